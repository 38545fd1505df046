package dev.stepwise.core.run;

import dev.stepwise.core.start.Admission;
import dev.stepwise.core.start.RetryPinning;
import dev.stepwise.core.start.RevisionPinning;
import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.status.RunConditions;
import dev.stepwise.core.status.StatusBudget;
import dev.stepwise.core.status.StatusCopy;

import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one author of a Run's status. Every phase, condition, event and message comes from here:
 * before the Run starts (waiting for its Workflow, failing because it is missing, invalid, inactive
 * or a param is wrong), while it runs ({@link RunPlanner}), and after it finished (a late spec change
 * only moves observedGeneration, so kstatus keeps reading Current or Failed).
 */
public final class RunLifecycle {
    /** Label of the Runs the operator creates itself: schedule or webhook (status.trigger). */
    public static final String TRIGGER_LABEL = "stepwise.dev/trigger";
    private RunLifecycle() {
    }

    public static RunPlan decide(RunFacts facts) {
        return RunNotifications.apply(decideRun(facts), facts);
    }

    private static RunPlan decideRun(RunFacts facts) {
        RunStatus status = facts.run().getStatus();
        if (status != null && status.phase != null && status.phase.isFinished()) {
            return finished(facts, status);
        }
        if (status != null && status.revision != null) {
            Optional<WorkflowRevision> pinned = facts.revisions().apply(status.revision);
            if (pinned.isEmpty()) {
                return fail(facts, "its pinned revision '" + status.revision + "' no longer exists");
            }
            return RunPlanner.plan(facts, new RevisionPinning.Pinned(pinned.get(), status.params));
        }
        if (facts.cancel()) {
            return fail(facts, RunPhase.Cancelled, "cancelled (spec.cancel: true) before it started");
        }
        String retryOf = facts.run().getSpec().retryOf;
        var pin = retryOf != null && !retryOf.isBlank()
                ? RetryPinning.decide(facts.run(), facts.runs(), facts.revisions())
                : RevisionPinning.decide(facts.run(), facts.workflow(), facts.revisions(), facts.now(),
                facts.settings().workflowWaitTimeout());
        if (pin instanceof RevisionPinning.Fail f) {
            return fail(facts, f.message());
        }
        if (pin instanceof RevisionPinning.Wait w) {
            return pending(facts, w);
        }
        var workflow = facts.workflow().get().map(wf -> wf.getSpec()).orElse(null);
        if (Admission.limits(workflow)) {
            String name = facts.run().getSpec().workflowRef.name;
            Admission.Verdict verdict = Admission.decide(facts.run(), workflow, facts.runs().ofWorkflow(name),
                    facts.runs().admitting(name));
            if (verdict instanceof Admission.Forbid f) {
                return fail(facts, f.message());
            }
            if (verdict instanceof Admission.Queue q) {
                return queued(facts, q);
            }
        }
        return RunPlanner.plan(facts, (RevisionPinning.Pinned) pin);
    }

    /** Held by the workflow's concurrency limits: Queued, looked at again when a Run of it ends (and every few seconds). */
    private static RunPlan queued(RunFacts facts, Admission.Queue queue) {
        RunStatus before = facts.run().getStatus();
        RunStatus s = notStarted(facts, RunPhase.Queued, StatusBudget.truncate(queue.message(), StatusBudget.MESSAGE_BYTES));
        List<RunEvent> events = before != null && before.phase == RunPhase.Queued ? List.of()
                : List.of(new RunEvent(RunEvent.Type.Normal, RunPhase.Queued.name(), s.message));
        return new RunPlan(s, !StatusCopy.same(before, s), List.of(), List.of(), java.util.Map.of(), events, QUEUED_RECHECK,
                queue.cancel());
    }

    /** A safety net: a Queued Run is woken when a Run of its workflow ends, and looks again this often anyway. */
    static final java.time.Duration QUEUED_RECHECK = java.time.Duration.ofSeconds(15);

    /** A finished Run ignores its spec from now on, but says which generation it has seen. */
    private static RunPlan finished(RunFacts facts, RunStatus status) {
        Long generation = facts.generation();
        if (Objects.equals(status.observedGeneration, generation)) {
            return RunPlan.statusOnly(status, false, List.of(), null);
        }
        RunStatus next = StatusCopy.of(status);
        next.observedGeneration = generation;
        List<Condition> conditions = new ArrayList<>();
        for (Condition c : next.conditions) {
            c.setObservedGeneration(generation);
            conditions.add(c);
        }
        next.conditions = conditions;
        return RunPlan.statusOnly(next, true, List.of(), null);
    }

    /** Waiting for the Workflow to exist or publish: Pending, looked at again shortly. */
    private static RunPlan pending(RunFacts facts, RevisionPinning.Wait wait) {
        RunStatus before = facts.run().getStatus();
        RunStatus s = notStarted(facts, RunPhase.Pending, wait.message());
        return RunPlan.statusOnly(s, !StatusCopy.same(before, s), List.of(), wait.retryAfter());
    }

    /** The status of a Run that waits before its first step (Pending, Queued): phase, message, conditions. */
    private static RunStatus notStarted(RunFacts facts, RunPhase phase, String message) {
        RunStatus s = StatusCopy.of(facts.run().getStatus());
        s.phase = phase;
        s.workflow = facts.run().getSpec().workflowRef.name;
        s.message = message;
        s.observedGeneration = facts.generation();
        s.conditions = Conditions.apply(s.conditions, RunConditions.forPhase(phase, message), List.of(), facts.generation(),
                facts.now());
        return s;
    }

    private static RunPlan fail(RunFacts facts, String message) {
        return fail(facts, RunPhase.Failed, message);
    }

    /** Ends a Run that never started a step. */
    private static RunPlan fail(RunFacts facts, RunPhase phase, String message) {
        RunStatus s = RunOutcome.endBeforeStart(facts.run().getStatus(), phase, facts.generation(),
                facts.run().getSpec().workflowRef.name, message, facts.now());
        RunEvent.Type type = phase == RunPhase.Failed ? RunEvent.Type.Warning : RunEvent.Type.Normal;
        return RunPlan.statusOnly(s, true, List.of(new RunEvent(type, phase.name(), s.message)), null);
    }
}
