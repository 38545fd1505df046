package dev.stepwise.core.start;

import dev.stepwise.core.Fixtures;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.api.v1alpha1.WorkflowSpec.ConcurrencyPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** concurrencyPolicy and maxConcurrentRuns, decided from the Runs that exist. */
class AdmissionTest {

    private static WorkflowSpec spec(ConcurrencyPolicy policy, Integer max) {
        WorkflowSpec s = Fixtures.spec(Fixtures.step("a"));
        s.concurrencyPolicy = policy;
        s.maxConcurrentRuns = max;
        return s;
    }

    /** A Run created at minute {@code minute}, with priority, in a phase (null = not seen yet); Running ones are pinned. */
    private static Run run(String name, int minute, Integer priority, RunPhase phase) {
        Run r = Fixtures.run(name, 1, Map.of());
        r.getMetadata().setCreationTimestamp(Fixtures.T0.plusSeconds(60L * minute).toString());
        r.getSpec().priority = priority;
        if (phase != null) {
            r.setStatus(new RunStatus());
            r.getStatus().phase = phase;
            if (phase == RunPhase.Running || phase.isFinished()) {
                r.getStatus().revision = "etl-r1";
            }
        }
        return r;
    }

    @Test
    void withoutLimitsEveryRunStarts() {
        assertThat(Admission.limits(spec(null, null))).isFalse();
        assertThat(Admission.limits(spec(ConcurrencyPolicy.Allow, 0))).isFalse();
        assertThat(Admission.limits(spec(ConcurrencyPolicy.Forbid, null))).isTrue();
        assertThat(Admission.limits(spec(null, 2))).isTrue();
    }

    @Test
    void maxConcurrentRunsQueuesTheRestByPriorityThenAge() {
        WorkflowSpec s = spec(null, 2);
        Run a = run("a", 0, null, RunPhase.Running);
        Run b = run("b", 1, null, RunPhase.Succeeded);
        Run old = run("old", 2, null, RunPhase.Queued);
        Run urgent = run("urgent", 5, 10, null);
        Run young = run("young", 3, null, null);
        List<Run> all = List.of(a, b, old, urgent, young);
        // one slot is free (a runs, b finished): the urgent Run takes it though it is the newest
        assertThat(Admission.decide(urgent, s, all, Set.of())).isInstanceOf(Admission.Admit.class);
        assertThat(Admission.decide(old, s, all, Set.of())).isEqualTo(new Admission.Queue(
                "queued: 1st in line (maxConcurrentRuns 2; running: a)", List.of()));
        assertThat(Admission.decide(young, s, all, Set.of())).isEqualTo(new Admission.Queue(
                "queued: 2nd in line (maxConcurrentRuns 2; running: a)", List.of()));
    }

    @Test
    void aRunAdmittedAMomentAgoHoldsItsSlotBeforeTheCacheShowsIt() {
        WorkflowSpec s = spec(null, 1);
        Run first = run("first", 0, null, null);
        Run second = run("second", 1, null, null);
        assertThat(Admission.decide(first, s, List.of(first, second), Set.of())).isInstanceOf(Admission.Admit.class);
        // the cache still shows first as new; the ledger knows it was admitted
        assertThat(Admission.decide(second, s, List.of(first, second), Set.of("first")))
                .isEqualTo(new Admission.Queue("queued: 1st in line (maxConcurrentRuns 1; running: first)", List.of()));
    }

    @Test
    void aFinishedOrDeletedRunFreesItsSlot() {
        WorkflowSpec s = spec(null, 1);
        Run waiting = run("waiting", 1, null, RunPhase.Queued);
        assertThat(Admission.decide(waiting, s, List.of(run("a", 0, null, RunPhase.Running), waiting), Set.of()))
                .isInstanceOf(Admission.Queue.class);
        assertThat(Admission.decide(waiting, s, List.of(run("a", 0, null, RunPhase.Cancelled), waiting), Set.of()))
                .isInstanceOf(Admission.Admit.class);
        assertThat(Admission.decide(waiting, s, List.of(waiting), Set.of())).isInstanceOf(Admission.Admit.class);
    }

    @Test
    void forbidFailsANewRunWhileAnotherRuns() {
        WorkflowSpec s = spec(ConcurrencyPolicy.Forbid, null);
        Run fresh = run("fresh", 1, null, null);
        assertThat(Admission.decide(fresh, s, List.of(run("a", 0, null, RunPhase.Running), fresh), Set.of()))
                .isEqualTo(new Admission.Forbid("concurrencyPolicy Forbid: run a of workflow 'etl' is still running"));
        assertThat(Admission.decide(fresh, s, List.of(run("a", 0, null, RunPhase.Failed), fresh), Set.of()))
                .isInstanceOf(Admission.Admit.class);
    }

    @Test
    void replaceCancelsTheRunningRunsAndStartsOnceTheyStopped() {
        WorkflowSpec s = spec(ConcurrencyPolicy.Replace, null);
        Run fresh = run("fresh", 1, null, null);
        Run a = run("a", 0, null, RunPhase.Running);
        assertThat(Admission.decide(fresh, s, List.of(a, fresh), Set.of())).isEqualTo(new Admission.Queue(
                "waiting for run a to stop (concurrencyPolicy Replace cancels it)", List.of("a")));
        a.getSpec().cancel = true;
        assertThat(((Admission.Queue) Admission.decide(fresh, s, List.of(a, fresh), Set.of())).cancel()).isEmpty();
        a.getStatus().phase = RunPhase.Cancelled;
        assertThat(Admission.decide(fresh, s, List.of(a, fresh), Set.of())).isInstanceOf(Admission.Admit.class);
    }
}
