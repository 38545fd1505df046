package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The security context of a step's pod. By default it passes the Pod Security "restricted" level:
 * no privilege escalation, every capability dropped, the runtime's default seccomp profile, and a
 * non-root user (uid {@code stepwise.steps.run-as-user}, 65532, so images whose user is root still
 * run). An InstanceType with {@code runAsNonRoot: false} is how a step asks for root: its containers
 * run as the image's user with the runtime's default capabilities ("baseline"), still without
 * privilege escalation and with RuntimeDefault seccomp.
 *
 * @param runAsNonRoot operator-wide default of {@code stepwise.steps.run-as-non-root}
 * @param runAsUser    operator-wide default of {@code stepwise.steps.run-as-user}
 */
public record StepSecurity(boolean runAsNonRoot, long runAsUser) {
    public static final String RUN_AS_NON_ROOT = "stepwise.steps.run-as-non-root";
    public static final String RUN_AS_USER = "stepwise.steps.run-as-user";
    public static final long DEFAULT_USER = 65532;

    /** The operator-wide settings (application.properties or STEPWISE_STEPS_RUN_AS_NON_ROOT / _RUN_AS_USER). */
    public static StepSecurity fromConfig() {
        Config c = ConfigProvider.getConfig();
        return new StepSecurity(c.getOptionalValue(RUN_AS_NON_ROOT, Boolean.class).orElse(true),
                c.getOptionalValue(RUN_AS_USER, Long.class).orElse(DEFAULT_USER));
    }

    /** Sets the pod's and every container's security context for a step on {@code instanceType} (may be null). */
    public void apply(PodSpec pod, InstanceTypeSpec instanceType) {
        boolean nonRoot = instanceType != null && instanceType.runAsNonRoot != null ? instanceType.runAsNonRoot : runAsNonRoot;
        long user = instanceType != null && instanceType.runAsUser != null ? instanceType.runAsUser : runAsUser;
        PodSecurityContext podContext = new PodSecurityContextBuilder()
                .withRunAsNonRoot(nonRoot)
                .withRunAsUser(nonRoot ? user : null)
                .withRunAsGroup(nonRoot ? user : null)
                .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
                .build();
        pod.setSecurityContext(podContext);
        for (Container c : pod.getInitContainers()) {
            c.setSecurityContext(container(nonRoot));
        }
        for (Container c : pod.getContainers()) {
            c.setSecurityContext(container(nonRoot));
        }
    }

    private static SecurityContext container(boolean nonRoot) {
        SecurityContextBuilder b = new SecurityContextBuilder().withAllowPrivilegeEscalation(false);
        if (nonRoot) {
            b.withNewCapabilities().withDrop("ALL").endCapabilities();
        }
        return b.build();
    }
}
