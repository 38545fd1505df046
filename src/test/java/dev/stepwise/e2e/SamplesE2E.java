package dev.stepwise.e2e;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The samples/ as a user meets them: the operator runs as a process (java -jar), each sample is
 * applied as it is into a fresh namespace, and the test checks what kubectl get / describe would show.
 */
class SamplesE2E extends OperatorE2E {

    private Run runSample(String file, String runName) {
        ns = E2eCluster.createNamespace(client, "e2e-" + file.replace(".yaml", ""));
        E2eCluster.apply(client, E2eCluster.sample(file), ns);
        return new RunWatch(client, ns, runName).awaitFinished(operator);
    }

    @Test
    void helloWorldSucceedsWithItsLineInTheLogTail() {
        Run run = runSample("hello-world.yaml", "hello-world-1");

        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getStatus().progress).isEqualTo("1/1");
        assertThat(run.getStatus().workflow).isEqualTo("hello-world");
        assertThat(run.getStatus().revision).isEqualTo("hello-world-r1");
        StepStatus hello = run.getStatus().steps.get(0);
        assertThat(hello.name).isEqualTo("hello");
        assertThat(hello.phase).isEqualTo(StepPhase.Succeeded);
        assertThat(hello.attempts).hasSize(1);
        Attempt a = hello.attempts.get(0);
        assertThat(a.exitCode).isEqualTo(0);
        assertThat(a.reason).isEqualTo("Completed");
        assertThat(a.job).isEqualTo("hello-world-1-hello-1");
        assertThat(a.logs).contains("hello, world, from run hello-world-1");
        RunWatch.assertConditionsFollowPhase(run);
        assertEvents("hello-world-1", "Running", "Succeeded");
        assertFinishedTimes(run);
    }

    @Test
    void diamondPassesOutputsDownTheGraph() {
        Run run = runSample("diamond.yaml", "diamond-1");

        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        assertThat(run.getStatus().progress).isEqualTo("4/4");
        Map<String, StepStatus> steps = byName(run);
        assertThat(steps.keySet()).containsExactly("a", "b", "c", "d");
        assertThat(steps.values()).allSatisfy(s -> assertThat(s.phase).isEqualTo(StepPhase.Succeeded));
        assertThat(steps.get("a").outputs).containsExactlyEntriesOf(Map.of("word", "HELLO"));
        assertThat(steps.get("b").outputs).containsExactlyEntriesOf(Map.of("result", "HELLO-b"));
        assertThat(steps.get("c").outputs).containsExactlyEntriesOf(Map.of("result", "HELLO-c"));
        assertThat(steps.get("d").outputs).containsExactlyEntriesOf(Map.of("summary", "HELLO-b+HELLO-c"));
        assertThat(steps.get("b").attempts.get(0).logs).contains("b got HELLO");
        assertThat(steps.get("d").attempts.get(0).logs).contains("d got: b=HELLO-b c=HELLO-c");
        // the graph's order: b and c after a, d after both
        Instant aDone = RunWatch.time(steps.get("a").finishedAt);
        assertThat(RunWatch.time(steps.get("b").startedAt)).isAfterOrEqualTo(aDone);
        assertThat(RunWatch.time(steps.get("c").startedAt)).isAfterOrEqualTo(aDone);
        assertThat(RunWatch.time(steps.get("d").startedAt))
                .isAfterOrEqualTo(RunWatch.time(steps.get("b").finishedAt))
                .isAfterOrEqualTo(RunWatch.time(steps.get("c").finishedAt));
        RunWatch.assertConditionsFollowPhase(run);
        assertEvents("diamond-1", "Running", "Succeeded");
        assertFinishedTimes(run);
    }

    @Test
    void retrySucceedsOnTheThirdAttemptAfterBackoff() {
        ns = E2eCluster.createNamespace(client, "e2e-retry");
        E2eCluster.apply(client, E2eCluster.sample("retry.yaml"), ns);
        Set<Instant> nextRetryAts = new LinkedHashSet<>();
        Set<StepPhase> stepPhases = new LinkedHashSet<>();
        Run run = new RunWatch(client, ns, "retry-1").awaitFinished(operator, r -> {
            if (r.getStatus() != null && !r.getStatus().steps.isEmpty()) {
                StepStatus s = r.getStatus().steps.get(0);
                stepPhases.add(s.phase);
                if (s.nextRetryAt != null) {
                    nextRetryAts.add(Instant.parse(s.nextRetryAt));
                }
            }
        });

        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        StepStatus flaky = run.getStatus().steps.get(0);
        assertThat(flaky.phase).isEqualTo(StepPhase.Succeeded);
        assertThat(flaky.nextRetryAt).as("no retry pending once done").isNull();
        List<Attempt> attempts = flaky.attempts;
        assertThat(attempts).extracting(a -> a.number).containsExactly(1, 2, 3);
        assertThat(attempts).extracting(a -> a.exitCode).containsExactly(2, 2, 0);
        assertThat(attempts).extracting(a -> a.job).containsExactly("retry-1-flaky-1", "retry-1-flaky-2", "retry-1-flaky-3");
        assertThat(attempts.get(0).logs).contains("attempt 1", "not yet: exit 2");
        assertThat(attempts.get(1).logs).contains("attempt 2", "not yet: exit 2");
        assertThat(attempts.get(2).logs).contains("attempt 3", "third time lucky");
        // exponential backoff from 2s: attempt 2 waits 2s, attempt 3 waits 4s after the previous one ended
        assertThat(RunWatch.time(attempts.get(1).startedAt))
                .isAfterOrEqualTo(RunWatch.time(attempts.get(0).finishedAt).plusSeconds(2));
        assertThat(RunWatch.time(attempts.get(2).startedAt))
                .isAfterOrEqualTo(RunWatch.time(attempts.get(1).finishedAt).plusSeconds(4));
        // while it waited, the step said so and when it would try again
        assertThat(stepPhases).as("step phases seen").contains(StepPhase.Waiting);
        assertThat(nextRetryAts).as("nextRetryAt values seen while waiting").isNotEmpty();
        assertThat(nextRetryAts).as("nextRetryAt = previous attempt's end + backoff").isSubsetOf(Set.of(
                RunWatch.time(attempts.get(0).finishedAt).plusSeconds(2),
                RunWatch.time(attempts.get(1).finishedAt).plusSeconds(4)));
        RunWatch.assertConditionsFollowPhase(run);
        List<Event> events = assertEvents("retry-1", "Running", "AttemptFailed", "Succeeded");
        assertThat(events).filteredOn(e -> "AttemptFailed".equals(e.getReason())).extracting(Event::getMessage)
                .containsExactlyInAnyOrder("step flaky attempt 1 failed: exit code 2", "step flaky attempt 2 failed: exit code 2");
    }

    @Test
    void failingEndsFailedAndStalledWithTheExitCode() {
        Run run = runSample("failing.yaml", "failing-1");

        assertThat(run.getStatus().phase).isEqualTo(RunPhase.Failed);
        assertThat(run.getStatus().message).isEqualTo("step broken failed: exit code 2 after 2 attempts");
        Map<String, StepStatus> steps = byName(run);
        assertThat(steps.get("broken").phase).isEqualTo(StepPhase.Failed);
        assertThat(steps.get("broken").attempts).extracting(a -> a.exitCode).containsExactly(2, 2);
        assertThat(steps.get("broken").attempts.get(1).logs).contains("something went wrong");
        assertThat(steps.get("after").phase).isEqualTo(StepPhase.Skipped);
        assertThat(steps.get("after").attempts).isEmpty();
        assertThat(client.batch().v1().jobs().inNamespace(ns).withLabel("stepwise.dev/step", "after").list().getItems())
                .as("no Job for the skipped step").isEmpty();
        RunWatch.assertConditionsFollowPhase(run);
        assertThat(RunWatch.condition(run, "Succeeded").getStatus()).isEqualTo("False");
        assertThat(RunWatch.condition(run, "Stalled").getStatus()).isEqualTo("True");
        assertThat(RunWatch.condition(run, "Succeeded").getMessage()).contains("exit code 2");
        List<Event> events = assertEvents("failing-1", "Running", "AttemptFailed", "Failed");
        assertThat(events).filteredOn(e -> "Failed".equals(e.getReason())).singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("exit code 2");
                });
        assertFinishedTimes(run);
    }

    @Test
    void instanceTypeResourcesAreMergedIntoTheJob() {
        Run run = runSample("instance-type.yaml", "instance-type-1");

        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        // large (cpu 100m, memory 64Mi) with the step's memory request and limit on top
        ResourceRequirements sized = resourcesOf("instance-type-1-sized-1");
        assertThat(sized.getRequests()).containsExactlyInAnyOrderEntriesOf(
                Map.of("cpu", new Quantity("100m"), "memory", new Quantity("48Mi")));
        assertThat(sized.getLimits()).containsExactlyInAnyOrderEntriesOf(Map.of("memory", new Quantity("96Mi")));
        // no instanceType: the default one, small
        ResourceRequirements small = resourcesOf("instance-type-1-default-sized-1");
        assertThat(small.getRequests()).containsExactlyInAnyOrderEntriesOf(
                Map.of("cpu", new Quantity("50m"), "memory", new Quantity("32Mi")));
        assertThat(small.getLimits()).containsExactlyInAnyOrderEntriesOf(Map.of("memory", new Quantity("64Mi")));
        // and the container really got that limit (96Mi)
        assertThat(byName(run).get("sized").attempts.get(0).logs).contains("memory limit: " + 96 * 1024 * 1024);
        RunWatch.assertConditionsFollowPhase(run);
        assertEvents("instance-type-1", "Running", "Succeeded");
    }

    @Test
    void gitCheckoutClonesTheTagFromTheServerTheSampleStarts() {
        // the sample's own git server pod and Service (fixed ClusterIP) come with it; the operator's clone
        // image is the one dev/cluster preloads (OperatorProcess sets STEPWISE_GIT_IMAGE)
        Run run = runSample("git-checkout.yaml", "git-checkout-1");

        assertThat(run.getStatus().phase).as(run.getStatus().message).isEqualTo(RunPhase.Succeeded);
        StepStatus build = run.getStatus().steps.get(0);
        assertThat(build.outputs).containsExactlyEntriesOf(Map.of("files", "README.txt"));
        Attempt last = build.attempts.get(build.attempts.size() - 1);
        assertThat(last.logs).contains("working in /workspace", "hello from a repository served inside the cluster");
        RunWatch.assertConditionsFollowPhase(run);
    }

    private ResourceRequirements resourcesOf(String jobName) {
        Job job = client.batch().v1().jobs().inNamespace(ns).withName(jobName).get();
        assertThat(job).as("Job %s", jobName).isNotNull();
        return job.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
    }

    /** kubectl describe run NAME: the Events include these reasons (phase changes and failed attempts). */
    private List<Event> assertEvents(String run, String... reasons) {
        List<Event>[] events = new List[1];
        await("events " + String.join(", ", reasons) + " on Run " + run).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    events[0] = RunWatch.events(client, ns, "Run", run);
                    assertThat(events[0]).extracting(Event::getReason).contains(reasons);
                });
        assertThat(events[0]).allSatisfy(e -> {
            assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("stepwise.dev/v1alpha1");
            assertThat(e.getSource().getComponent()).isEqualTo("stepwise");
        });
        return events[0];
    }

    private static void assertFinishedTimes(Run run) {
        var s = run.getStatus();
        assertThat(s.startedAt).isNotNull();
        assertThat(s.finishedAt).isNotNull();
        assertThat(RunWatch.time(s.finishedAt)).isAfterOrEqualTo(RunWatch.time(s.startedAt));
        assertThat(s.duration).matches("([0-9]+h)?([0-9]+m)?[0-9]+s");
    }

    private static Map<String, StepStatus> byName(Run run) {
        return run.getStatus().steps.stream().collect(Collectors.toMap(s -> s.name, s -> s,
                (x, y) -> { throw new AssertionError("duplicate step " + x.name); }, java.util.LinkedHashMap::new));
    }
}
