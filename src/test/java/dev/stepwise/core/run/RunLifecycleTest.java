package dev.stepwise.core.run;

import dev.stepwise.core.Fixtures;
import dev.stepwise.core.run.steps.JobToCreate;
import dev.stepwise.core.start.OtherRuns;

import dev.stepwise.api.v1alpha1.Param;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.stepwise.core.Fixtures.T0;
import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

/** The outcomes of a Run before it starts and after it finished: the lifecycle around the planner. */
class RunLifecycleTest {
    private final Map<String, WorkflowRevision> revisions = new HashMap<>();
    private WorkflowResource workflow;
    private Run run = Fixtures.run("etl-1", 1, Map.of());

    private final List<Run> others = new java.util.ArrayList<>();

    private RunPlan decide(Instant now) {
        OtherRuns runs = new OtherRuns() {
            @Override
            public Optional<Run> get(String name) {
                return others.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
            }

            @Override
            public Map<String, Map<String, String>> storedOutputs(Run r) {
                return Map.of();
            }

            @Override
            public List<Run> ofWorkflow(String wf) {
                List<Run> all = new java.util.ArrayList<>(others);
                all.add(run);
                return all;
            }
        };
        RunFacts facts = new RunFacts(run, () -> Optional.ofNullable(workflow), n -> Optional.ofNullable(revisions.get(n)),
                Observed.NOTHING, ActionResults.NONE, Map.of(), PlannerSettings.DEFAULTS, now, runs);
        RunPlan plan = RunLifecycle.decide(facts);
        run.setStatus(plan.status());
        return plan;
    }

    private WorkflowResource workflow(String uid, WorkflowSpec spec, int current, Condition... conditions) {
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName("etl").withNamespace("data").withUid(uid).withGeneration(1L).build());
        wf.setSpec(spec);
        WorkflowStatus s = new WorkflowStatus();
        s.observedGeneration = 1L;
        s.currentRevision = current > 0 ? "etl-r" + current : null;
        s.revision = current > 0 ? current : null;
        s.conditions = List.of(conditions);
        wf.setStatus(s);
        return wf;
    }

    private static Condition ready(String status, String reason, String message) {
        Condition c = new Condition();
        c.setType("Ready");
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        return c;
    }

    @Test
    void aRunWaitsPendingForItsWorkflowThenFailsWhenNoneAppears() {
        RunPlan p = decide(T0.plusSeconds(5));
        assertThat(p.status().phase).isEqualTo(RunPhase.Pending);
        assertThat(p.status().message).isEqualTo("waiting for workflow 'etl' to exist");
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofSeconds(2));
        RunSim.assertConditionsMatchPhase(p.status(), 1);

        p = decide(T0.plusSeconds(61));
        assertThat(p.status().phase).isEqualTo(RunPhase.Failed);
        assertThat(p.status().message).isEqualTo("workflow 'etl' not found");
        assertThat(p.events()).extracting(RunEvent::reason).containsExactly("Failed");
        RunSim.assertConditionsMatchPhase(p.status(), 1);
    }

    @Test
    void aRunOfAnInvalidWorkflowFailsAtOnceNamingTheProblem() {
        workflow = workflow("wf-1", spec(step("a")), 0, ready("False", "Invalid", "invalid workflow: steps form a cycle: a -> a"));
        RunPlan p = decide(T0.plusSeconds(1));
        assertThat(p.status().phase).isEqualTo(RunPhase.Failed);
        assertThat(p.status().message).isEqualTo("workflow 'etl' is invalid: invalid workflow: steps form a cycle: a -> a");
    }

    @Test
    void aWorkflowThatCouldNotPublishYetMakesTheRunWaitNotFail() {
        workflow = workflow("wf-1", spec(step("a")), 0, ready("False", "PublishFailed", "could not publish revision 1: Forbidden: quota"));
        RunPlan p = decide(T0.plusSeconds(1));
        assertThat(p.status().phase).isEqualTo(RunPhase.Pending);
        p = decide(T0.plusSeconds(61));
        assertThat(p.status().message).isEqualTo("workflow 'etl' published no revision in time: could not publish revision 1: Forbidden: quota");
    }

    @Test
    void aRunPinsTheCurrentRevisionAndStarts() {
        WorkflowSpec spec = spec(step("a"));
        workflow = workflow("wf-1", spec, 2, ready("True", "Ready", "revision 2 is current"));
        revisions.put("etl-r2", Fixtures.revision("etl", 2, spec, "wf-1"));
        RunPlan p = decide(T0.plusSeconds(1));
        assertThat(p.status().phase).isEqualTo(RunPhase.Running);
        assertThat(p.status().revision).isEqualTo("etl-r2");
        assertThat(p.create()).extracting(JobToCreate::name).containsExactly("etl-1-a-1");
    }

    @Test
    void aWorkflowCreatedAgainUnderItsNameNeverHandsOutTheOldOnesRevisions() {
        WorkflowSpec spec = spec(step("a"));
        // the old Workflow's r1 lingers (an unfinished Run holds it); the new Workflow has not published yet
        revisions.put("etl-r1", Fixtures.revision("etl", 1, spec, "old-uid"));
        workflow = workflow("new-uid", spec, 1, ready("True", "Ready", "revision 1 is current"));
        assertThat(decide(T0.plusSeconds(1)).status().phase).isEqualTo(RunPhase.Pending);

        run.getSpec().workflowRef.revision = 1;
        run.setStatus(null);
        RunPlan p = decide(T0.plusSeconds(2));
        assertThat(p.status().phase).isEqualTo(RunPhase.Failed);
        assertThat(p.status().message).isEqualTo("workflow 'etl' has no revision 1 (current: 1)");
    }

    @Test
    void aPinnedRevisionThatIsGoneFailsTheRunSayingSo() {
        WorkflowSpec spec = spec(step("a"));
        workflow = workflow("wf-1", spec, 1, ready("True", "Ready", "revision 1 is current"));
        revisions.put("etl-r1", Fixtures.revision("etl", 1, spec, "wf-1"));
        decide(T0.plusSeconds(1));
        revisions.clear();
        workflow = null;

        RunPlan p = decide(T0.plusSeconds(2));
        assertThat(p.status().phase).isEqualTo(RunPhase.Failed);
        assertThat(p.status().message).isEqualTo("its pinned revision 'etl-r1' no longer exists");
    }

    @Test
    void aPinnedRunKeepsItsRevisionWhenTheWorkflowIsDeleted() {
        WorkflowSpec spec = spec(step("a"));
        workflow = workflow("wf-1", spec, 1, ready("True", "Ready", "revision 1 is current"));
        revisions.put("etl-r1", Fixtures.revision("etl", 1, spec, "wf-1"));
        decide(T0.plusSeconds(1));
        workflow = null;
        revisions.get("etl-r1").getMetadata().setDeletionTimestamp(T0.plusSeconds(2).toString());

        RunPlan p = decide(T0.plusSeconds(3));
        assertThat(p.status().phase).isEqualTo(RunPhase.Running);
        assertThat(p.status().revision).isEqualTo("etl-r1");
    }

    @Test
    void aMissingRequiredParamFailsTheRunAtOnce() {
        WorkflowSpec spec = Fixtures.withParams(spec(step("a")), Fixtures.required("table"), new Param("date", "2026-01-01"));
        workflow = workflow("wf-1", spec, 1, ready("True", "Ready", "revision 1 is current"));
        revisions.put("etl-r1", Fixtures.revision("etl", 1, spec, "wf-1"));
        RunPlan p = decide(T0.plusSeconds(1));
        assertThat(p.status().phase).isEqualTo(RunPhase.Failed);
        assertThat(p.status().message).contains("table");
    }

    @Test
    void cancellingARunThatWaitsForItsWorkflowEndsItCancelled() {
        decide(T0.plusSeconds(1));
        run.getSpec().cancel = true;
        run.getMetadata().setGeneration(2L);
        RunPlan p = decide(T0.plusSeconds(2));
        assertThat(p.status().phase).isEqualTo(RunPhase.Cancelled);
        RunSim.assertConditionsMatchPhase(p.status(), 2);
    }

    @Test
    void aFinishedRunOnlyRecordsTheGenerationOfLaterSpecChanges() {
        RunPlan failed = decide(T0.plusSeconds(61));
        assertThat(failed.status().phase).isEqualTo(RunPhase.Failed);
        String message = failed.status().message;

        // a GitOps tool re-applies the Run, or someone sets cancel late: generation 2
        run.getSpec().cancel = true;
        run.getMetadata().setGeneration(2L);
        RunPlan p = decide(T0.plusSeconds(300));

        assertThat(p.statusChanged()).isTrue();
        assertThat(p.status().phase).isEqualTo(RunPhase.Failed);
        assertThat(p.status().message).isEqualTo(message);
        assertThat(p.status().finishedAt).isEqualTo(failed.status().finishedAt);
        assertThat(p.create()).isEmpty();
        assertThat(p.delete()).isEmpty();
        assertThat(p.events()).isEmpty();
        RunSim.assertConditionsMatchPhase(p.status(), 2);

        assertThat(decide(T0.plusSeconds(400)).statusChanged()).as("nothing new: nothing written").isFalse();
    }

    /** The workflow published as etl-r1, and another Run of it (etl-0) running. */
    private Run publishedWithARunningRun(WorkflowSpec spec) {
        workflow = workflow("wf-uid", spec, 1, ready("True", "Published", ""));
        revisions.put("etl-r1", Fixtures.revision("etl", 1, spec, "wf-uid"));
        Run busy = Fixtures.run("etl-0", 1, Map.of());
        busy.setStatus(new dev.stepwise.api.v1alpha1.RunStatus());
        busy.getStatus().phase = RunPhase.Running;
        busy.getStatus().revision = "etl-r1";
        others.add(busy);
        return busy;
    }

    @Test
    void aRunBeyondMaxConcurrentRunsIsQueuedThenStartsWhenTheSlotFrees() {
        WorkflowSpec spec = spec(step("a"));
        spec.maxConcurrentRuns = 1;
        Run busy = publishedWithARunningRun(spec);

        RunPlan p = decide(T0.plusSeconds(1));
        assertThat(p.status().phase).isEqualTo(RunPhase.Queued);
        assertThat(p.status().message).isEqualTo("queued: 1st in line (maxConcurrentRuns 1; running: etl-0)");
        assertThat(p.status().revision).isNull();
        assertThat(p.create()).isEmpty();
        assertThat(p.events()).extracting(RunEvent::reason).containsExactly("Queued");
        RunSim.assertConditionsMatchPhase(p.status(), 1);
        assertThat(decide(T0.plusSeconds(5)).statusChanged()).isFalse();

        busy.getStatus().phase = RunPhase.Succeeded;
        p = decide(T0.plusSeconds(9));
        assertThat(p.status().phase).isEqualTo(RunPhase.Running);
        assertThat(p.status().revision).isEqualTo("etl-r1");
        assertThat(p.create()).hasSize(1);
    }

    @Test
    void aQueuedRunCanBeCancelled() {
        WorkflowSpec spec = spec(step("a"));
        spec.concurrencyPolicy = WorkflowSpec.ConcurrencyPolicy.Replace;
        publishedWithARunningRun(spec);
        RunPlan p = decide(T0.plusSeconds(1));
        assertThat(p.status().phase).isEqualTo(RunPhase.Queued);
        assertThat(p.cancelRuns()).containsExactly("etl-0");
        run.getSpec().cancel = true;
        p = decide(T0.plusSeconds(2));
        assertThat(p.status().phase).isEqualTo(RunPhase.Cancelled);
    }

    @Test
    void aRunOfAnInactiveWorkflowFailsAtOnceSayingSo() {
        WorkflowSpec spec = spec(step("a"));
        spec.active = false;
        workflow = workflow("wf-uid", spec, 1, ready("True", "Published", ""));
        revisions.put("etl-r1", Fixtures.revision("etl", 1, spec, "wf-uid"));
        RunPlan p = decide(T0.plusSeconds(1));
        assertThat(p.status().phase).isEqualTo(RunPhase.Failed);
        assertThat(p.status().message).isEqualTo("workflow 'etl' is inactive (spec.active: false)");
        assertThat(p.create()).isEmpty();
        RunSim.assertConditionsMatchPhase(p.status(), 1);
    }
}
