package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A workflow's concurrency limits on the local cluster: maxConcurrentRuns queues Runs (phase Queued)
 * and starts them by priority, never more at once than allowed; Forbid fails a second Run; Replace
 * cancels the running Run and then starts the new one.
 */
class ConcurrencyE2E extends OperatorE2E {

    private Run run(String name) {
        return client.resources(Run.class).inNamespace(ns).withName(name).get();
    }

    private void workflow(String name, String concurrency) {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Workflow
                metadata: {name: %s}
                spec:
                  %s
                  steps:
                    - {name: work, image: busybox:1.36, command: [sleep, "4"]}
                """.formatted(name, concurrency), ns);
    }

    private void runOf(String workflow, String name, int priority) {
        E2eCluster.applyYaml(client, """
                apiVersion: stepwise.dev/v1alpha1
                kind: Run
                metadata: {name: %s}
                spec: {workflowRef: {name: %s}, priority: %d}
                """.formatted(name, workflow, priority), ns);
    }

    @Test
    void maxConcurrentRunsQueuesByPriorityAndNeverRunsMoreAtOnce() {
        ns = E2eCluster.createNamespace(client, "e2e-queue");
        workflow("one-at-a-time", "maxConcurrentRuns: 1");
        runOf("one-at-a-time", "q-first", 0);
        await("q-first running").atMost(RunWatch.RUN_DEADLINE).until(() -> run("q-first") != null && run("q-first").getStatus() != null
                && run("q-first").getStatus().phase == RunPhase.Running);
        runOf("one-at-a-time", "q-low", 0);
        runOf("one-at-a-time", "q-high", 5);
        await("both queued").atMost(Duration.ofSeconds(30)).until(() -> List.of("q-low", "q-high").stream()
                .allMatch(n -> run(n) != null && run(n).getStatus() != null && run(n).getStatus().phase == RunPhase.Queued));
        assertThat(run("q-high").getStatus().message).isEqualTo("queued: 1st in line (maxConcurrentRuns 1; running: q-first)");
        assertThat(run("q-low").getStatus().message).isEqualTo("queued: 2nd in line (maxConcurrentRuns 1; running: q-first)");
        RunWatch.assertConditionsFollowPhase(run("q-low"));

        List<Run> done = new ArrayList<>();
        for (String name : List.of("q-first", "q-high", "q-low")) {
            done.add(new RunWatch(client, ns, name).awaitFinished(operator));
        }
        assertThat(done).allSatisfy(r -> assertThat(r.getStatus().phase).isEqualTo(RunPhase.Succeeded));
        // started in order first, high, low, and each after the one before had finished
        done.sort(Comparator.comparing(r -> RunWatch.time(r.getStatus().startedAt)));
        assertThat(done).extracting(r -> r.getMetadata().getName()).containsExactly("q-first", "q-high", "q-low");
        for (int i = 1; i < done.size(); i++) {
            Instant prevEnd = RunWatch.time(done.get(i - 1).getStatus().finishedAt);
            assertThat(RunWatch.time(done.get(i).getStatus().startedAt)).isAfterOrEqualTo(prevEnd);
        }
    }

    @Test
    void forbidFailsASecondRunAndReplaceCancelsTheFirst() {
        ns = E2eCluster.createNamespace(client, "e2e-policy");
        workflow("solo", "concurrencyPolicy: Forbid");
        workflow("latest", "concurrencyPolicy: Replace");
        runOf("solo", "solo-1", 0);
        runOf("latest", "latest-1", 0);
        await("first Runs running").atMost(RunWatch.RUN_DEADLINE).until(() -> List.of("solo-1", "latest-1").stream()
                .allMatch(n -> run(n) != null && run(n).getStatus() != null && run(n).getStatus().phase == RunPhase.Running));
        runOf("solo", "solo-2", 0);
        runOf("latest", "latest-2", 0);

        Run forbidden = new RunWatch(client, ns, "solo-2").awaitFinished(operator);
        assertThat(forbidden.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(forbidden.getStatus().message).isEqualTo("concurrencyPolicy Forbid: run solo-1 of workflow 'solo' is still running");
        assertThat(new RunWatch(client, ns, "solo-1").awaitFinished(operator).getStatus().phase).isEqualTo(RunPhase.Succeeded);

        Run replaced = new RunWatch(client, ns, "latest-1").awaitFinished(operator);
        assertThat(replaced.getStatus().phase).isEqualTo(RunPhase.Cancelled);
        Run replacing = new RunWatch(client, ns, "latest-2").awaitFinished(operator);
        assertThat(replacing.getStatus().phase).as(replacing.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(RunWatch.time(replacing.getStatus().startedAt)).isAfterOrEqualTo(RunWatch.time(replaced.getStatus().finishedAt));
    }
}
