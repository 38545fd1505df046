package dev.stepwise.core;

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
    public static final String TRIGGER_LABEL = RunPlanner.TRIGGER_LABEL;
    private RunLifecycle() {
    }

    public static RunPlan decide(RunFacts facts) {
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
        String retryOf = facts.run().getSpec().retryOf;
        var pin = retryOf != null && !retryOf.isBlank()
                ? RetryPinning.decide(facts.run(), facts.runs(), facts.revisions())
                : RevisionPinning.decide(facts.run(), facts.workflow(), facts.revisions(), facts.now(),
                facts.settings().workflowWaitTimeout());
        if (!(pin instanceof RevisionPinning.Pinned) && facts.cancel()) {
            return fail(facts, RunPhase.Cancelled, "cancelled (spec.cancel: true) before it started");
        }
        if (pin instanceof RevisionPinning.Fail f) {
            return fail(facts, f.message());
        }
        if (pin instanceof RevisionPinning.Wait w) {
            return pending(facts, w);
        }
        return RunPlanner.plan(facts, (RevisionPinning.Pinned) pin);
    }

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
        RunStatus s = StatusCopy.of(before);
        s.phase = RunPhase.Pending;
        s.workflow = facts.run().getSpec().workflowRef.name;
        s.message = wait.message();
        s.observedGeneration = facts.generation();
        s.conditions = Conditions.apply(s.conditions, RunConditions.forPhase(RunPhase.Pending, wait.message()),
                List.of(), facts.generation(), facts.now());
        return RunPlan.statusOnly(s, !StatusCopy.same(before, s), List.of(), wait.retryAfter());
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
