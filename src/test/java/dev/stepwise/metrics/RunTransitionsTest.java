package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import dev.stepwise.core.status.StatusCopy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.stepwise.metrics.RunTransitions.Kind.AttemptFinished;
import static dev.stepwise.metrics.RunTransitions.Kind.RunFinished;
import static dev.stepwise.metrics.RunTransitions.Kind.RunStarted;
import static org.assertj.core.api.Assertions.assertThat;

class RunTransitionsTest {
    static RunStatus status(RunPhase phase, String startedAt, String finishedAt) {
        RunStatus s = new RunStatus();
        s.phase = phase;
        s.workflow = "etl";
        s.startedAt = startedAt;
        s.finishedAt = finishedAt;
        return s;
    }

    static Attempt attempt(int n, String reason, Integer exit, String started, String finished) {
        Attempt a = new Attempt();
        a.number = n;
        a.reason = reason;
        a.exitCode = exit;
        a.startedAt = started;
        a.finishedAt = finished;
        return a;
    }

    @Test
    void aRunThatStartsIsCountedOnceAsStarted() {
        RunStatus pending = status(RunPhase.Pending, null, null);
        RunStatus running = status(RunPhase.Running, "2026-11-25T10:00:00Z", null);
        assertThat(RunTransitions.between(null, pending, null)).isEmpty();
        assertThat(RunTransitions.between(pending, running, null)).extracting(RunTransitions.Transition::kind)
                .containsExactly(RunStarted);
        // a later write of the same running Run starts nothing again
        assertThat(RunTransitions.between(running, StatusCopy.of(running), null)).isEmpty();
    }

    @Test
    void eachAttemptIsCountedWhenItEndsWithItsResultAndReason() {
        RunStatus before = status(RunPhase.Running, "2026-11-25T10:00:00Z", null);
        StepStatus load = new StepStatus("load", StepPhase.Running);
        load.attempts.add(attempt(1, "Error", 2, "2026-11-25T10:00:01Z", "2026-11-25T10:00:05Z"));
        load.attempts.add(attempt(2, null, null, "2026-11-25T10:00:15Z", null));
        before.steps.add(load);

        RunStatus after = StatusCopy.of(before);
        after.steps.get(0).attempts.get(1).reason = "Completed";
        after.steps.get(0).attempts.get(1).exitCode = 0;
        after.steps.get(0).attempts.get(1).finishedAt = "2026-11-25T10:00:20Z";

        List<RunTransitions.Transition> t = RunTransitions.between(before, after, null);
        assertThat(t).hasSize(1);
        assertThat(t.get(0).kind()).isEqualTo(AttemptFinished);
        assertThat(t.get(0).step()).isEqualTo("load");
        assertThat(t.get(0).attempt()).isEqualTo(2);
        assertThat(t.get(0).result()).isEqualTo(RunTransitions.AttemptResult.Succeeded);
        assertThat(t.get(0).duration()).isEqualTo(Duration.ofSeconds(5));
        // the first attempt ended before this write: already counted
        assertThat(RunTransitions.between(null, before, null)).filteredOn(x -> x.kind() == AttemptFinished)
                .singleElement().satisfies(x -> {
                    assertThat(x.result()).isEqualTo(RunTransitions.AttemptResult.Failed);
                    assertThat(x.reason()).isEqualTo("Error");
                });
    }

    @Test
    void disruptedAndCancelledAttemptsAreToldApart() {
        Attempt evicted = attempt(1, "Evicted", null, null, "2026-11-25T10:00:05Z");
        evicted.disrupted = true;
        assertThat(RunTransitions.result(evicted)).isEqualTo(RunTransitions.AttemptResult.Disrupted);
        assertThat(RunTransitions.result(attempt(1, "Cancelled", null, null, "x"))).isEqualTo(RunTransitions.AttemptResult.Cancelled);
        assertThat(RunTransitions.result(attempt(1, "Completed", 0, null, "x"))).isEqualTo(RunTransitions.AttemptResult.Succeeded);
        assertThat(RunTransitions.result(attempt(1, "OOMKilled", 137, null, "x"))).isEqualTo(RunTransitions.AttemptResult.Failed);
    }

    @Test
    void aFinishedRunIsCountedOnceWithItsDuration() {
        RunStatus running = status(RunPhase.Running, "2026-11-25T10:00:00Z", null);
        RunStatus failed = status(RunPhase.Failed, "2026-11-25T10:00:00Z", "2026-11-25T10:01:30Z");
        assertThat(RunTransitions.between(running, failed, null)).singleElement().satisfies(t -> {
            assertThat(t.kind()).isEqualTo(RunFinished);
            assertThat(t.phase()).isEqualTo(RunPhase.Failed);
            assertThat(t.duration()).isEqualTo(Duration.ofSeconds(90));
        });
        assertThat(RunTransitions.between(failed, StatusCopy.of(failed), null)).isEmpty();
    }

    @Test
    void aRunThatFailsBeforeItStartsTakesItsDurationFromItsCreation() {
        RunStatus failed = status(RunPhase.Failed, null, "2026-11-25T10:01:00Z");
        assertThat(RunTransitions.between(null, failed, Instant.parse("2026-11-25T10:00:00Z")))
                .singleElement().satisfies(t -> {
                    assertThat(t.kind()).isEqualTo(RunFinished);
                    assertThat(t.duration()).isEqualTo(Duration.ofMinutes(1));
                });
    }
}
