package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.List;

/**
 * The security context of a step's pod. By default it passes the Pod Security "restricted" level:
 * no privilege escalation, every capability dropped, the runtime's default seccomp profile, and a
 * non-root user (uid {@code stepwise.steps.run-as-user}, 65532, so images whose user is root still
 * run). An InstanceType with {@code runAsNonRoot: false} is how a step asks for root: its containers
 * run as the image's user, still without privilege escalation and with RuntimeDefault seccomp, and
 * they too drop ALL capabilities, adding back only {@link #ROOT_CAPABILITIES} ("baseline"): what a
 * root step is for (package installs, chown, binding a low port), never NET_RAW (raw sockets: ARP and
 * DNS spoofing of the node's other pods), MKNOD, SYS_CHROOT, SETPCAP, SETFCAP or AUDIT_WRITE, which
 * the runtime's default set would give.
 *
 * @param runAsNonRoot operator-wide default of {@code stepwise.steps.run-as-non-root}
 * @param runAsUser    operator-wide default of {@code stepwise.steps.run-as-user}
 */
public record StepSecurity(boolean runAsNonRoot, long runAsUser) {
    public static final String RUN_AS_NON_ROOT = "stepwise.steps.run-as-non-root";
    public static final String RUN_AS_USER = "stepwise.steps.run-as-user";
    public static final long DEFAULT_USER = 65532;
    /**
     * What a root step keeps of the runtime's default capabilities: file ownership and permissions
     * (CHOWN, DAC_OVERRIDE, FOWNER, FSETID: a package manager unpacks files as other users and sets
     * their modes), switching users (SETUID, SETGID: apt runs its downloads as _apt), signalling its
     * own children as another user (KILL) and binding ports below 1024 (NET_BIND_SERVICE).
     */
    public static final List<String> ROOT_CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
            "NET_BIND_SERVICE", "SETGID", "SETUID");

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
        CapabilitiesBuilder caps = new CapabilitiesBuilder().withDrop("ALL");
        if (!nonRoot) {
            caps.withAdd(ROOT_CAPABILITIES);
        }
        return new SecurityContextBuilder().withAllowPrivilegeEscalation(false).withCapabilities(caps.build()).build();
    }
}
