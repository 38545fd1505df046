package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunHistory;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Schedule;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowRevisionStatus;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import dev.stepwise.core.Fixtures;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.stepwise.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The Workflow's one author: status always, side effects decided, refusals judged. */
class WorkflowLifecycleTest {
    private static final WorkflowValidator.InstanceTypes NO_TYPES = new WorkflowValidator.InstanceTypes(Set.of(), List.of());

    private static WorkflowResource workflow(WorkflowSpec spec) {
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName("etl").withNamespace("data").withUid("wf-uid").withGeneration(3L).build());
        wf.setSpec(spec);
        return wf;
    }

    private static WorkflowRevision published(WorkflowSpec spec) {
        WorkflowRevision rev = Fixtures.revision("etl", 1, spec, "wf-uid");
        rev.getSpec().hash = ContentHash.of(spec);
        rev.setStatus(new WorkflowRevisionStatus());
        rev.getStatus().steps = spec.steps.size();
        return rev;
    }

    private static Run run(String name, RunPhase phase, boolean pinned, int minute) {
        Run r = Fixtures.run(name, 1, Map.of());
        r.getMetadata().setCreationTimestamp(T0.plus(Duration.ofMinutes(minute)).toString());
        r.getMetadata().setResourceVersion("rv-" + name);
        r.setStatus(new RunStatus());
        r.getStatus().phase = phase;
        r.getStatus().revision = pinned ? "etl-r1" : null;
        if (phase.isFinished()) {
            r.getStatus().finishedAt = T0.plus(Duration.ofMinutes(minute)).toString();
        }
        return r;
    }

    private static Condition condition(WorkflowStatus status, String type) {
        return status.conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    private static WorkflowSpec hourly() {
        WorkflowSpec spec = Fixtures.spec(Fixtures.step("a"));
        spec.schedules = new ArrayList<>(List.of(new Schedule("0 * * * *", null)));
        return spec;
    }

    @Test
    void aNewSpecIsPublishedAndItsRevisionIsCurrentInTheSameStatus() {
        WorkflowSpec spec = Fixtures.spec(Fixtures.step("a"));
        var plan = WorkflowLifecycle.decide(new WorkflowLifecycle.Facts(workflow(spec), NO_TYPES, List.of(), List.of(), T0,
                WorkflowLifecycle.Refusals.NONE));
        assertThat(plan.publish().name()).isEqualTo("etl-r1");
        assertThat(plan.status().currentRevision).isEqualTo("etl-r1");
        assertThat(plan.status().observedGeneration).isEqualTo(3L);
        assertThat(condition(plan.status(), "Ready").getStatus()).isEqualTo("True");
    }

    @Test
    void aRefusedPublishIsShownAndTriedAgain() {
        WorkflowSpec spec = Fixtures.spec(Fixtures.step("a"));
        var facts = new WorkflowLifecycle.Facts(workflow(spec), NO_TYPES, List.of(), List.of(), T0, WorkflowLifecycle.Refusals.NONE);
        var plan = WorkflowLifecycle.decide(facts.withResults(new WorkflowLifecycle.Refusals(
                new PublishResult.Failed("Forbidden", "exceeded quota: revisions"), Map.of(), Map.of())));
        assertThat(plan.status().currentRevision).isNull();
        Condition ready = condition(plan.status(), "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getMessage()).isEqualTo("could not publish revision 1: Forbidden: exceeded quota: revisions");
        assertThat(plan.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    /** Defect: a refused scheduled-Run create aborted the reconcile before the status patch. */
    @Test
    void aRefusedScheduledRunLeavesTheStatusWrittenTheSlotUnstartedAndSaysWhy() {
        WorkflowSpec spec = hourly();
        WorkflowResource wf = workflow(spec);
        wf.setStatus(new WorkflowStatus());
        Instant seen = Instant.parse("2026-01-01T10:30:00Z");
        Instant now = Instant.parse("2026-01-01T11:00:10Z");
        // the schedule was seen at 10:30: the 11:00 slot is due
        wf.getStatus().schedules = ScheduleDecision.decide("etl", spec.schedules, null, true, seen).states();
        var facts = new WorkflowLifecycle.Facts(wf, NO_TYPES, List.of(), List.of(), now, WorkflowLifecycle.Refusals.NONE);
        var first = WorkflowLifecycle.decide(facts);
        assertThat(first.create()).extracting(ScheduleDecision.SlotRun::runName).containsExactly("etl-202601011100");
        assertThat(first.status().lastScheduleTime).isEqualTo("2026-01-01T11:00:00Z");

        var refused = WorkflowLifecycle.decide(facts.withResults(new WorkflowLifecycle.Refusals(new PublishResult.Published(null),
                Map.of("etl-202601011100", "Forbidden: exceeded quota: count/runs.stepwise.dev=10"), Map.of())));
        assertThat(refused.status().currentRevision).as("the revision just published is current").isEqualTo("etl-r1");
        assertThat(refused.status().lastScheduleTime).as("the slot did not start").isNull();
        assertThat(refused.status().schedules.get(0).lastScheduleTime).isNull();
        assertThat(condition(refused.status(), "Ready").getStatus()).isEqualTo("True");
        Condition reconciling = condition(refused.status(), "Reconciling");
        assertThat(reconciling.getStatus()).isEqualTo("True");
        assertThat(reconciling.getReason()).isEqualTo("ScheduledRunFailed");
        assertThat(reconciling.getMessage()).isEqualTo("could not create run etl-202601011100 for the slot 2026-01-01T11:00:00Z: "
                + "Forbidden: exceeded quota: count/runs.stepwise.dev=10");
        assertThat(refused.warnings()).extracting(WorkflowLifecycle.Warning::reason).containsExactly("ScheduledRunFailed");
        assertThat(refused.requeueAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void historyDeletesNameTheVeryRunJudgedAndARefusalIsShown() {
        WorkflowSpec spec = Fixtures.spec(Fixtures.step("a"));
        spec.runHistory = new RunHistory();
        spec.runHistory.successfulRunsLimit = 1;
        List<Run> runs = List.of(run("old", RunPhase.Succeeded, true, 1), run("new", RunPhase.Succeeded, true, 2));
        var facts = new WorkflowLifecycle.Facts(workflow(spec), NO_TYPES, List.of(published(spec)), runs, T0.plus(Duration.ofHours(1)),
                WorkflowLifecycle.Refusals.NONE);
        var plan = WorkflowLifecycle.decide(facts);
        assertThat(plan.publish()).isNull();
        assertThat(plan.delete()).containsExactly(new WorkflowLifecycle.RunRef("old", "run-uid-old", "rv-old"));

        var refused = WorkflowLifecycle.decide(facts.withResults(new WorkflowLifecycle.Refusals(null, Map.of(),
                Map.of("old", "Forbidden: runs \"old\" is forbidden"))));
        assertThat(refused.status().currentRevision).isEqualTo("etl-r1");
        assertThat(condition(refused.status(), "Reconciling").getMessage())
                .isEqualTo("could not delete run old of the run history: Forbidden: runs \"old\" is forbidden");
        assertThat(refused.requeueAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    /** Defect: every Queued Run was woken at once. */
    @Test
    void onlyTheFirstQueuedRunsInLineForTheFreeSlotsAreWoken() {
        WorkflowSpec spec = Fixtures.spec(Fixtures.step("a"));
        spec.maxConcurrentRuns = 2;
        Run urgent = run("urgent", RunPhase.Queued, false, 9);
        urgent.getSpec().priority = 5;
        List<Run> runs = List.of(run("running", RunPhase.Running, true, 0), run("done", RunPhase.Succeeded, true, 1),
                run("q-old", RunPhase.Queued, false, 2), run("q-new", RunPhase.Queued, false, 3), urgent);
        // each shows its place as it stands (what Admission last wrote): only the first in line is woken
        urgent.getStatus().message = "queued: 1st in line (maxConcurrentRuns 2; running: running)";
        runs.get(2).getStatus().message = "queued: 2nd in line (maxConcurrentRuns 2; running: running)";
        runs.get(3).getStatus().message = "queued: 2nd in line (maxConcurrentRuns 2; running: running)";
        var plan = WorkflowLifecycle.decide(new WorkflowLifecycle.Facts(workflow(spec), NO_TYPES, List.of(published(spec)), runs,
                T0.plus(Duration.ofHours(1)), WorkflowLifecycle.Refusals.NONE));
        assertThat(plan.wake()).as("urgent takes the free slot; q-old, next after it, shows a stale place")
                .containsExactly("urgent", "q-old");
        runs.get(2).getStatus().message = "queued: 1st in line (maxConcurrentRuns 2; running: running)";
        assertThat(WorkflowLifecycle.decide(new WorkflowLifecycle.Facts(workflow(spec), NO_TYPES, List.of(published(spec)), runs,
                T0.plus(Duration.ofHours(1)), WorkflowLifecycle.Refusals.NONE)).wake()).as("the others show their place already")
                .containsExactly("urgent");

        spec.maxConcurrentRuns = 3;
        runs.forEach(r -> r.getStatus().message = r.getStatus().message == null ? null : r.getStatus().message.replace("Runs 2;", "Runs 3;"));
        runs.get(3).getStatus().message = "queued: 1st in line (maxConcurrentRuns 3; running: running)";
        assertThat(WorkflowLifecycle.decide(new WorkflowLifecycle.Facts(workflow(spec), NO_TYPES, List.of(published(spec)), runs,
                T0.plus(Duration.ofHours(1)), WorkflowLifecycle.Refusals.NONE)).wake()).as("two free slots: the first two in line")
                .containsExactly("urgent", "q-old");
    }

    @Test
    void anInvalidWorkflowPublishesNothingStartsNoSlotAndSaysWhy() {
        WorkflowSpec spec = hourly();
        spec.steps.add(Fixtures.step("b", "missing"));
        var plan = WorkflowLifecycle.decide(new WorkflowLifecycle.Facts(workflow(spec), NO_TYPES, List.of(), List.of(),
                Instant.parse("2026-01-01T11:00:10Z"), WorkflowLifecycle.Refusals.NONE));
        assertThat(plan.publish()).isNull();
        assertThat(plan.create()).isEmpty();
        assertThat(condition(plan.status(), "Stalled").getStatus()).isEqualTo("True");
        assertThat(condition(plan.status(), "Ready").getMessage()).startsWith("invalid workflow: ").contains("missing");
    }
}
