package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pod evicted through the Eviction API (a node drain) is a real disruption: its attempt is retried
 * without using up the step's retry limit, and the next attempt starts only once the evicted pod has
 * terminated (a step never has two pods at once). A Job someone deletes fails its attempt instead.
 */
class DisruptionE2E extends OperatorE2E {

    @Test
    void anEvictedPodIsRetriedFreeAndOnlyAfterItHasTerminated() {
        ns = E2eCluster.createNamespace(client, "e2e-evict");
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: drain}
                spec:
                  defaults: {image: busybox:1.36}
                  steps:
                    - name: long
                      retry: {limit: 0}
                      # attempt 1 would run a minute (and takes a moment to stop on SIGTERM); attempt 2 finishes at once
                      command: [sh, -c, 'if [ "$STEPWISE_ATTEMPT" = 1 ]; then trap "sleep 2; exit 143" TERM; sleep 60 & wait; fi; echo attempt $STEPWISE_ATTEMPT done']
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: drain-1}
                spec: {workflowRef: {name: drain}}
                """, ns);
        await("attempt 1 runs").atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() ->
                client.pods().inNamespace(ns).withLabel("stepwise.dev/attempt", "1").list().getItems().stream()
                        .anyMatch(p -> "Running".equals(p.getStatus().getPhase())));
        Pod first = client.pods().inNamespace(ns).withLabel("stepwise.dev/attempt", "1").list().getItems().get(0);
        assertThat(client.pods().inNamespace(ns).withName(first.getMetadata().getName()).evict()).isTrue();

        Run run = new RunWatch(client, ns, "drain-1").awaitFinished(operator);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        List<Attempt> attempts = run.getStatus().steps.get(0).attempts;
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).disrupted).isTrue();
        assertThat(attempts.get(0).reason).isEqualTo("EvictionByEvictionAPI");
        assertThat(attempts.get(1).logs).contains("attempt 2 done");

        // one pod at a time: attempt 2's Job came after attempt 1's pod had ended
        Job second = client.batch().v1().jobs().inNamespace(ns).withName(attempts.get(1).job).get();
        Instant firstEnded = RunWatch.time(attempts.get(0).finishedAt);
        assertThat(RunWatch.time(second.getMetadata().getCreationTimestamp())).isAfterOrEqualTo(firstEnded.minusSeconds(1));
    }

    @Test
    void aJobSomeoneDeletesFailsItsAttemptWithAClearReason() {
        ns = E2eCluster.createNamespace(client, "e2e-deljob");
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: deleted}
                spec:
                  defaults: {image: busybox:1.36}
                  steps: [{name: victim, command: [sleep, "60"]}]
                ---
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: deleted-1}
                spec: {workflowRef: {name: deleted}}
                """, ns);
        await("the Job exists").atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() ->
                client.batch().v1().jobs().inNamespace(ns).withName("deleted-1-victim-1").get() != null);
        client.batch().v1().jobs().inNamespace(ns).withName("deleted-1-victim-1").delete();

        Run run = new RunWatch(client, ns, "deleted-1").awaitFinished(operator);
        assertThat(run.getStatus().phase).isEqualTo(RunPhase.Failed);
        Attempt a = run.getStatus().steps.get(0).attempts.get(0);
        assertThat(a.disrupted).as("not a free retry").isNull();
        assertThat(a.reason).isIn("JobDeleted", "PodDeleted", "Error");
        assertThat(run.getStatus().steps.get(0).attempts).hasSize(1);
        assertThat(run.getStatus().message).startsWith("step victim failed: ");
    }
}
