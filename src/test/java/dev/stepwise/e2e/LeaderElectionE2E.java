package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas of the in-cluster operator (kubectl apply -k operator/, then scaled to 2): Runs are
 * in flight when the leader's JVM is killed (SIGKILL, no chance to release its Lease) and its pod
 * force-deleted. Another replica (the standby, or the Deployment's replacement pod if it asks first)
 * takes the Lease within the lease duration, every Run still succeeds,
 * and every step ran exactly once: one attempt, one Job, one pod.
 */
class LeaderElectionE2E {
    static final Duration LEASE = Duration.ofSeconds(15);
    static final Duration RETRY = Duration.ofSeconds(2);
    static final int RUNS = 6;
    static KubernetesClient client;
    static String ns;

    @BeforeAll
    static void installTwoReplicas() {
        client = E2eCluster.client();
        InClusterOperator.ensureImageLoaded();
        InClusterOperator.kubectl("delete", "-k", "operator/", "--ignore-not-found", "--wait=true", "--timeout=180s");
        InClusterOperator.kubectl("apply", "-k", "operator/");
        InClusterOperator.kubectl("-n", InClusterOperator.NAMESPACE, "scale", "deployment/" + InClusterOperator.NAME, "--replicas=2");
        InClusterOperator.awaitRolledOut(client, InClusterOperator.NAMESPACE, InClusterOperator.NAME, 2);
        E2eCluster.apply(client, E2eCluster.sample("instancetypes.yaml"), null);
        ns = E2eCluster.createNamespace(client, "e2e-failover");
    }

    @AfterAll
    static void uninstall() {
        if (client == null) {
            return;
        }
        try {
            // while the operator runs, so it releases the namespace's WorkflowRevisions
            InClusterOperator.deleteNamespaceAndWait(client, ns);
            InClusterOperator.kubectl("delete", "-k", "operator/", "--ignore-not-found", "--wait=true", "--timeout=180s");
        } finally {
            client.close();
        }
    }

    /** The host pid of the operator's JVM in {@code pod} (the real node is this machine). */
    static long jvmPid(Pod pod) throws IOException {
        String uid = pod.getMetadata().getUid();
        String cgroupId = uid.replace("-", "_");
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    String cgroup = Files.readString(p.resolve("cgroup"));
                    if (cmd.contains("quarkus-run.jar") && (cgroup.contains(uid) || cgroup.contains(cgroupId))) {
                        return Long.parseLong(p.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        throw new IllegalStateException("no JVM of pod " + pod.getMetadata().getName() + " among the host's processes");
    }

    @Test
    void anotherReplicaTakesOverWithinTheLeaseAndNoStepRunsTwice() throws Exception {
        // three-step chains of real containers, about 15 s each: in flight when the leader dies
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: chain}
                spec:
                  steps:
                  - {name: a, image: "busybox:1.36", command: [sh, -c, 'sleep 4; echo a']}
                  - {name: b, image: "busybox:1.36", dependsOn: [a], command: [sh, -c, 'sleep 4; echo b']}
                  - {name: c, image: "busybox:1.36", dependsOn: [b], command: [sh, -c, 'sleep 4; echo c']}
                """, ns);
        for (int i = 1; i <= RUNS; i++) {
            E2eCluster.applyYaml(client, """
                    apiVersion: stepwise.dev/v1alpha1
                    kind: Run
                    metadata: {name: chain-%d}
                    spec: {workflowRef: {name: chain}}
                    """.formatted(i), ns);
        }
        await("first steps running").atMost(Duration.ofSeconds(60)).until(() ->
                client.batch().v1().jobs().inNamespace(ns).list().getItems().size() >= RUNS);

        Pod leader = InClusterOperator.leader(client, InClusterOperator.NAMESPACE, InClusterOperator.NAME);
        String standby = InClusterOperator.pods(client, InClusterOperator.NAMESPACE).stream()
                .map(p -> p.getMetadata().getName()).filter(n -> !n.equals(leader.getMetadata().getName()))
                .findFirst().orElseThrow();
        long pid = jvmPid(leader);
        Instant killed = Instant.now();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        InClusterOperator.kubectl("-n", InClusterOperator.NAMESPACE, "delete", "pod", leader.getMetadata().getName(),
                "--grace-period=0", "--force", "--wait=false");

        try {
            // the standby, or the pod the Deployment starts in place of the killed one, whichever asks first
            await("another replica holds the Lease").atMost(LEASE.plus(RETRY).plus(Duration.ofSeconds(10)))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        Lease l = client.leases().inNamespace(InClusterOperator.NAMESPACE).withName(InClusterOperator.NAME).get();
                        String holder = l == null ? null : l.getSpec().getHolderIdentity();
                        return holder != null && !holder.equals(leader.getMetadata().getName())
                                && InClusterOperator.pods(client, InClusterOperator.NAMESPACE).stream()
                                .anyMatch(p -> p.getMetadata().getName().equals(holder));
                    });
        } catch (RuntimeException e) {
            Lease l = client.leases().inNamespace(InClusterOperator.NAMESPACE).withName(InClusterOperator.NAME).get();
            throw new AssertionError("the standby did not take over. Lease: " + (l == null ? "none" : l.getSpec())
                    + "\npods: " + InClusterOperator.pods(client, InClusterOperator.NAMESPACE).stream()
                    .map(p -> p.getMetadata().getName() + " " + p.getStatus().getPhase()).toList()
                    + "\nlogs:\n" + InClusterOperator.logs(client, InClusterOperator.NAMESPACE), e);
        }
        Duration takeover = Duration.between(killed, Instant.now());
        String newLeader = client.leases().inNamespace(InClusterOperator.NAMESPACE).withName(InClusterOperator.NAME).get()
                .getSpec().getHolderIdentity();
        System.out.printf("LeaderElectionE2E: %s (%s) took over %.1f s after the leader was killed%n", newLeader,
                newLeader.equals(standby) ? "the standby" : "the replacement pod", takeover.toMillis() / 1000.0);
        // a timing requirement, measured: the Lease's own duration plus one retry period, and 3 s for the
        // kill, the pod delete and this test's 200 ms polls (the await above only waits for the new holder)
        assertThat(takeover).as("takeover time").isLessThanOrEqualTo(LEASE.plus(RETRY).plus(Duration.ofSeconds(3)));

        List<Run> runs = IntStream.rangeClosed(1, RUNS).mapToObj(i -> new RunWatch(client, ns, "chain-" + i).awaitFinished(null)).toList();
        assertThat(runs).allSatisfy(r -> assertThat(r.getStatus().phase).as(r.getMetadata().getName() + ": " + r.getStatus().message)
                .isEqualTo(RunPhase.Succeeded));
        for (Run r : runs) {
            for (StepStatus s : r.getStatus().steps) {
                assertThat(s.attempts).as("%s step %s attempts", r.getMetadata().getName(), s.name).hasSize(1);
            }
        }
        Map<String, Long> jobsPerStep = client.batch().v1().jobs().inNamespace(ns).list().getItems().stream()
                .collect(Collectors.groupingBy(j -> j.getMetadata().getLabels().get("stepwise.dev/run") + "/"
                        + j.getMetadata().getLabels().get("stepwise.dev/step"), Collectors.counting()));
        assertThat(jobsPerStep).hasSize(RUNS * 3).allSatisfy((step, n) -> assertThat(n).as(step).isEqualTo(1L));
        for (Job j : client.batch().v1().jobs().inNamespace(ns).list().getItems()) {
            assertThat(client.pods().inNamespace(ns).withLabel("job-name", j.getMetadata().getName()).list().getItems())
                    .as("pods of %s", j.getMetadata().getName()).hasSize(1);
        }
        assertThat(InClusterOperator.leader(client, InClusterOperator.NAMESPACE, InClusterOperator.NAME).getMetadata().getName())
                .as("leadership stays put once taken").isEqualTo(newLeader);
        assertThat(InClusterOperator.logs(client, InClusterOperator.NAMESPACE)).doesNotContainIgnoringCase("forbidden");
    }
}
