package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import dev.stepwise.core.status.StatusCopy;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RunMetricsTest {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RunMetrics metrics = new RunMetrics(registry, true);

    @BeforeEach
    void listen() {
        StatusWrites.register(metrics);
    }

    @AfterEach
    void stop() {
        StatusWrites.unregister(metrics);
    }

    static Run run(String ns, String name, RunStatus status) {
        Run r = new Run();
        r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).withCreationTimestamp("2026-11-25T09:59:59Z").build());
        r.setStatus(status);
        return r;
    }

    /** Plays a Run from Pending to the given end through StatusWrites, as StatusWriter would. */
    void play(String ns, String name, RunPhase end, String reason, int exit) {
        RunStatus pending = RunTransitionsTest.status(RunPhase.Pending, null, null);
        StatusWrites.observe(run(ns, name, null), pending);
        RunStatus running = RunTransitionsTest.status(RunPhase.Running, "2026-11-25T10:00:00Z", null);
        running.steps.add(new StepStatus("a", StepPhase.Running));
        running.steps.get(0).attempts.add(RunTransitionsTest.attempt(1, null, null, "2026-11-25T10:00:00Z", null));
        StatusWrites.observe(run(ns, name, pending), running);
        RunStatus done = StatusCopy.of(running);
        done.phase = end;
        done.finishedAt = "2026-11-25T10:00:42Z";
        done.steps.get(0).attempts.get(0).reason = reason;
        done.steps.get(0).attempts.get(0).exitCode = exit;
        done.steps.get(0).attempts.get(0).finishedAt = "2026-11-25T10:00:42Z";
        StatusWrites.observe(run(ns, name, running), done);
        // re-writing a finished Run (a new observedGeneration) counts nothing
        StatusWrites.observe(run(ns, name, done), StatusCopy.of(done));
    }

    double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void runsAreCountedByNamespaceWorkflowAndPhase() {
        play("data", "etl-1", RunPhase.Succeeded, "Completed", 0);
        play("data", "etl-2", RunPhase.Failed, "Error", 2);
        play("ops", "etl-3", RunPhase.Failed, "OOMKilled", 137);

        assertThat(count(RunMetrics.STARTED, "namespace", "data", "workflow", "etl")).isEqualTo(2);
        assertThat(count(RunMetrics.FINISHED, "namespace", "data", "workflow", "etl", "phase", "Succeeded")).isEqualTo(1);
        assertThat(count(RunMetrics.FINISHED, "namespace", "data", "workflow", "etl", "phase", "Failed")).isEqualTo(1);
        assertThat(count(RunMetrics.FINISHED, "namespace", "ops", "workflow", "etl", "phase", "Failed")).isEqualTo(1);
        assertThat(count(RunMetrics.ATTEMPTS, "namespace", "data", "result", "Failed", "reason", "Error")).isEqualTo(1);
        assertThat(count(RunMetrics.ATTEMPTS, "namespace", "ops", "result", "Failed", "reason", "OOMKilled")).isEqualTo(1);
        assertThat(count(RunMetrics.ATTEMPTS, "namespace", "data", "result", "Succeeded", "reason", "Completed")).isEqualTo(1);
        var timer = registry.get(RunMetrics.DURATION).tags("namespace", "data", "phase", "Succeeded").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.SECONDS)).isEqualTo(42);
    }

    @Test
    void labelsNeverCarryRunNamesAndReasonsAreAFixedSet() {
        play("data", "etl-1", RunPhase.Failed, "some free text from a pod", 1);
        play("data", "etl-2", RunPhase.Failed, "ContainerCannotRun", 128);
        Set<String> keys = new TreeSet<>();
        Set<String> values = new TreeSet<>();
        for (Meter m : registry.getMeters()) {
            for (Tag t : m.getId().getTags()) {
                keys.add(t.getKey());
                values.add(t.getValue());
            }
        }
        // "le": the histogram bucket bound of the duration (a fixed set of buckets)
        assertThat(keys).isSubsetOf("namespace", "workflow", "phase", "result", "reason", "le");
        assertThat(values).doesNotContain("etl-1", "etl-2", "some free text from a pod").contains("Other", "ContainerCannotRun");
    }

    @Test
    void theWorkflowLabelCanBeDropped() {
        RunMetrics without = new RunMetrics(registry, false);
        StatusWrites.unregister(metrics);
        StatusWrites.register(without);
        try {
            play("data", "etl-1", RunPhase.Succeeded, "Completed", 0);
            assertThat(count(RunMetrics.STARTED, "namespace", "data", "workflow", "")).isEqualTo(1);
        } finally {
            StatusWrites.unregister(without);
        }
    }

    @Test
    void theWorkflowLabelIsAWorkflowThatPublishedOrOtherAndItsValuesAreCapped() {
        // a Run of a Workflow that does not exist never pins a revision: its workflowRef.name is not a label
        Run unpinned = run("data", "ghost-1", null);
        unpinned.setSpec(new dev.stepwise.api.v1alpha1.RunSpec());
        unpinned.getSpec().workflowRef = new dev.stepwise.api.v1alpha1.RunSpec.WorkflowRef("no-such-workflow-" + "x".repeat(40), null);
        RunStatus failed = RunTransitionsTest.status(RunPhase.Failed, "2026-11-25T10:00:00Z", null);
        failed.workflow = null;
        failed.finishedAt = "2026-11-25T10:00:01Z";
        StatusWrites.observe(unpinned, failed);
        assertThat(registry.find(RunMetrics.FINISHED).tag("workflow", RunMetrics.OTHER).counters()).isNotEmpty();
        assertThat(registry.getMeters()).noneMatch(m -> String.valueOf(m.getId().getTag("workflow")).startsWith("no-such"));

        for (int i = 0; i < RunMetrics.MAX_WORKFLOWS + 5; i++) {
            RunStatus pending = RunTransitionsTest.status(RunPhase.Pending, null, null);
            RunStatus running = RunTransitionsTest.status(RunPhase.Running, "2026-11-25T10:00:00Z", null);
            running.workflow = "wf-" + i;
            StatusWrites.observe(run("many", "r-" + i, pending), running);
        }
        long distinct = registry.find(RunMetrics.STARTED).tag("namespace", "many").counters().stream()
                .map(c -> c.getId().getTag("workflow")).distinct().count();
        assertThat(distinct).isLessThanOrEqualTo(RunMetrics.MAX_WORKFLOWS + 1);
        assertThat(count(RunMetrics.STARTED, "namespace", "many", "workflow", RunMetrics.OTHER)).isGreaterThanOrEqualTo(5);
    }
}
