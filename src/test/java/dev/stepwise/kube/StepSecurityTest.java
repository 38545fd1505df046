package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks of the Pod Security "restricted" profile that concern a pod's security context
 * (kubernetes.io/docs/concepts/security/pod-security-standards), applied to what StepSecurity sets.
 */
class StepSecurityTest {
    static PodSpec stepPod() {
        return new PodSpecBuilder()
                .addToInitContainers(new ContainerBuilder().withName("clone").withImage("git").build())
                .addToContainers(new ContainerBuilder().withName("step").withImage("busybox:1.36").build())
                .build();
    }

    /** What the "restricted" level rejects in this pod, one line per violation (empty = passes). */
    static List<String> restrictedViolations(PodSpec pod) {
        List<String> out = new ArrayList<>();
        var psc = pod.getSecurityContext();
        boolean podNonRoot = psc != null && Boolean.TRUE.equals(psc.getRunAsNonRoot());
        boolean podSeccomp = psc != null && psc.getSeccompProfile() != null
                && List.of("RuntimeDefault", "Localhost").contains(psc.getSeccompProfile().getType());
        if (psc != null && psc.getRunAsUser() != null && psc.getRunAsUser() == 0) {
            out.add("pod runAsUser=0");
        }
        List<Container> all = new ArrayList<>(pod.getInitContainers());
        all.addAll(pod.getContainers());
        for (Container c : all) {
            var sc = c.getSecurityContext();
            if (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                out.add(c.getName() + ": allowPrivilegeEscalation != false");
            }
            if (sc == null || sc.getCapabilities() == null || !sc.getCapabilities().getDrop().contains("ALL")) {
                out.add(c.getName() + ": capabilities do not drop ALL");
            }
            if (sc != null && sc.getCapabilities() != null && !sc.getCapabilities().getAdd().stream()
                    .allMatch("NET_BIND_SERVICE"::equals)) {
                out.add(c.getName() + ": adds capabilities");
            }
            boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : podNonRoot;
            if (!nonRoot) {
                out.add(c.getName() + ": runAsNonRoot != true");
            }
            boolean seccomp = sc != null && sc.getSeccompProfile() != null ? true : podSeccomp;
            if (!seccomp) {
                out.add(c.getName() + ": no RuntimeDefault seccomp profile");
            }
            if (sc != null && Boolean.TRUE.equals(sc.getPrivileged())) {
                out.add(c.getName() + ": privileged");
            }
        }
        return out;
    }

    @Test
    void byDefaultAStepPodPassesTheRestrictedLevelAsANonRootUser() {
        PodSpec pod = stepPod();
        new StepSecurity(true, 65532).apply(pod, null);
        assertThat(restrictedViolations(pod)).isEmpty();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    @Test
    void anInstanceTypeSetsItsOwnUserOrAsksForRoot() {
        InstanceTypeSpec uid1000 = new InstanceTypeSpec();
        uid1000.runAsUser = 1000L;
        PodSpec pod = stepPod();
        new StepSecurity(true, 65532).apply(pod, uid1000);
        assertThat(restrictedViolations(pod)).isEmpty();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000L);

        InstanceTypeSpec root = new InstanceTypeSpec();
        root.runAsNonRoot = false;
        PodSpec rootPod = stepPod();
        new StepSecurity(true, 65532).apply(rootPod, root);
        // the image's user (root): "baseline", not "restricted"
        assertThat(rootPod.getSecurityContext().getRunAsUser()).isNull();
        assertThat(rootPod.getSecurityContext().getRunAsNonRoot()).isFalse();
        assertThat(restrictedViolations(rootPod)).contains("step: runAsNonRoot != true", "step: adds capabilities")
                .doesNotContain("step: allowPrivilegeEscalation != false", "step: no RuntimeDefault seccomp profile",
                        "step: capabilities do not drop ALL");
    }

    @Test
    void aRootStepDropsAllCapabilitiesAndGetsBackOnlyWhatPackageInstallsNeedNeverNetRaw() {
        InstanceTypeSpec root = new InstanceTypeSpec();
        root.runAsNonRoot = false;
        PodSpec pod = stepPod();
        new StepSecurity(true, 65532).apply(pod, root);
        for (Container c : List.of(pod.getInitContainers().get(0), pod.getContainers().get(0))) {
            var caps = c.getSecurityContext().getCapabilities();
            assertThat(caps.getDrop()).containsExactly("ALL");
            assertThat(caps.getAdd()).contains("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID")
                    .doesNotContain("NET_RAW", "MKNOD", "SYS_CHROOT", "SETPCAP", "SETFCAP", "AUDIT_WRITE");
            // every one of them is in the Pod Security "baseline" list, so a baseline namespace admits the pod
            assertThat(caps.getAdd()).isSubsetOf("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
        }
    }

    @Test
    void theOperatorWideSettingAppliesWhenTheInstanceTypeSaysNothing() {
        PodSpec pod = stepPod();
        new StepSecurity(false, 65532).apply(pod, new InstanceTypeSpec());
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isFalse();

        InstanceTypeSpec strict = new InstanceTypeSpec();
        strict.runAsNonRoot = true;
        PodSpec strictPod = stepPod();
        new StepSecurity(false, 65532).apply(strictPod, strict);
        assertThat(restrictedViolations(strictPod)).isEmpty();
    }
}
