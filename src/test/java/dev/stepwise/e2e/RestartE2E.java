package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A restart of the operator in the middle of a Run changes nothing but timing: no step runs twice. */
class RestartE2E extends OperatorE2E {
    private static final String WORKFLOW = """
            apiVersion: stepwise.dev/v1alpha1
            kind: Workflow
            metadata:
              name: chain
            spec:
              defaults:
                image: busybox:1.36
              steps:
                - name: one
                  outputs: [count]
                  command: ["sh", "-c", "echo one; sleep 3; echo count=1 >> $STEPWISE_OUTPUTS"]
                - name: two
                  dependsOn: [one]
                  outputs: [count]
                  command: ["sh", "-c", "echo two got {{steps.one.outputs.count}}; sleep 3; echo count=2 >> $STEPWISE_OUTPUTS"]
                - name: three
                  dependsOn: [two]
                  command: ["sh", "-c", "echo three got {{steps.two.outputs.count}}; sleep 3"]
            ---
            apiVersion: stepwise.dev/v1alpha1
            kind: Run
            metadata:
              name: chain-1
            spec:
              workflowRef: {name: chain}
            """;


    @Test
    void aRestartInTheMiddleOfARunRunsNoStepTwice() {
        ns = E2eCluster.createNamespace(client, "e2e-restart");
        E2eCluster.applyYaml(client, WORKFLOW, ns);

        await("Job of step two").atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> client.batch().v1().jobs().inNamespace(ns).withName("chain-1-two-1").get() != null);
        operator.kill();
        // the operator is down while step two runs and ends: it must pick up a Job that finished unseen
        await("Job of step two finished while the operator is down").atMost(RunWatch.RUN_DEADLINE)
                .pollInterval(Duration.ofMillis(200)).until(() -> finished(client.batch().v1().jobs().inNamespace(ns)
                        .withName("chain-1-two-1").get()));
        operator.start();

        Run run = new RunWatch(client, ns, "chain-1").awaitFinished(operator);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getStatus().progress).isEqualTo("3/3");
        assertThat(client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", "chain-1").list().getItems())
                .extracting(Job::getMetadata).extracting(m -> m.getName())
                .containsExactlyInAnyOrder("chain-1-one-1", "chain-1-two-1", "chain-1-three-1");
        assertThat(run.getStatus().steps).extracting(s -> s.name).containsExactly("one", "two", "three");
        for (StepStatus s : run.getStatus().steps) {
            assertThat(s.phase).as("phase of step %s", s.name).isEqualTo(StepPhase.Succeeded);
            assertThat(s.attempts).as("attempts of step %s", s.name).hasSize(1);
            assertThat(s.attempts.get(0).exitCode).isEqualTo(0);
            assertThat(s.attempts.get(0).job).isEqualTo("chain-1-" + s.name + "-1");
        }
        assertThat(run.getStatus().steps.get(1).outputs).containsEntry("count", "2");
        assertThat(run.getStatus().steps.get(1).attempts.get(0).logs).contains("two got 1");
        assertThat(run.getStatus().steps.get(2).attempts.get(0).logs).contains("three got 2");
        RunWatch.assertConditionsFollowPhase(run);
    }

    @Test
    void aRestartDuringARetryBackoffKeepsTheAttemptCount() {
        ns = E2eCluster.createNamespace(client, "e2e-restart-retry");
        E2eCluster.apply(client, E2eCluster.sample("retry.yaml"), ns);
        RunWatch watch = new RunWatch(client, ns, "retry-1");

        String[] retryAt = new String[1];
        await("step flaky waiting to retry").atMost(RunWatch.RUN_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Run r = watch.get();
                    retryAt[0] = r == null || r.getStatus() == null || r.getStatus().steps.isEmpty() ? null
                            : r.getStatus().steps.get(0).nextRetryAt;
                    return retryAt[0] != null;
                });
        operator.kill();
        // the backoff runs out while the operator is down: the condition is the clock passing nextRetryAt
        Instant due = RunWatch.time(retryAt[0]);
        await("the backoff ran out while the operator is down").atMost(RunWatch.RUN_DEADLINE)
                .pollInterval(Duration.ofMillis(200)).until(() -> Instant.now().isAfter(due));
        operator.start();

        Run run = watch.awaitFinished(operator);
        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/run", "retry-1").list().getItems())
                .extracting(Job::getMetadata).extracting(m -> m.getName())
                .containsExactlyInAnyOrder("retry-1-flaky-1", "retry-1-flaky-2", "retry-1-flaky-3");
        assertThat(run.getStatus().steps.get(0).attempts).extracting(a -> a.exitCode).containsExactly(2, 2, 0);
        RunWatch.assertConditionsFollowPhase(run);
    }

    /** Whether the Job controller marked the Job Complete or Failed. */
    private static boolean finished(Job j) {
        return j != null && j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
                .anyMatch(c -> "True".equals(c.getStatus()) && ("Complete".equals(c.getType()) || "Failed".equals(c.getType())));
    }
}
