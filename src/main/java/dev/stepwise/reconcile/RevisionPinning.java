package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.Conditions;
import dev.stepwise.core.ParamResolver;
import dev.stepwise.core.RevisionDecision;
import dev.stepwise.core.Times;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides which revision a new Run pins, or why it must wait (its Workflow was applied in the same
 * breath and has not published yet) or fail (invalid, inactive, missing param).
 */
final class RevisionPinning {
    private RevisionPinning() {
    }

    sealed interface Result permits Pinned, Wait, Fail {
    }

    record Pinned(WorkflowRevision revision, Map<String, String> params) implements Result {
    }

    record Wait(String message, Duration retryAfter) implements Result {
    }

    record Fail(String message) implements Result {
    }

    /**
     * @param workflow   the Workflow named by the Run, if it exists
     * @param revisions  looks up a WorkflowRevision by name
     */
    static Result decide(Run run, Optional<WorkflowResource> workflow, Function<String, Optional<WorkflowRevision>> revisions,
                         Instant now, Duration waitTimeout) {
        String name = run.getSpec().workflowRef.name;
        Instant created = Optional.ofNullable(Times.parse(run.getMetadata().getCreationTimestamp())).orElse(now);
        boolean patienceLeft = now.isBefore(created.plus(waitTimeout));
        if (workflow.isEmpty()) {
            return patienceLeft ? new Wait("waiting for workflow '" + name + "' to exist", Duration.ofSeconds(2))
                    : new Fail("workflow '" + name + "' not found");
        }
        WorkflowResource wf = workflow.get();
        if (wf.getSpec() != null && !wf.getSpec().activeOrDefault()) {
            return new Fail("workflow '" + name + "' is inactive (spec.active: false)");
        }
        var status = wf.getStatus();
        boolean upToDate = status != null && status.observedGeneration != null
                && status.observedGeneration.equals(wf.getMetadata().getGeneration());
        Condition ready = status == null ? null : Conditions.find(status.conditions, "Ready");
        if (upToDate && ready != null && Conditions.FALSE.equals(ready.getStatus())) {
            return new Fail("workflow '" + name + "' is invalid: " + ready.getMessage());
        }
        Integer wanted = run.getSpec().workflowRef.revision;
        String revisionName = wanted != null ? RevisionDecision.nameOf(name, wanted)
                : (upToDate ? status.currentRevision : null);
        Optional<WorkflowRevision> revision = revisionName == null ? Optional.empty() : revisions.apply(revisionName);
        if (revision.isEmpty()) {
            if (wanted != null && upToDate) {
                return new Fail("workflow '" + name + "' has no revision " + wanted + " (current: " + status.revision + ")");
            }
            return patienceLeft ? new Wait("waiting for workflow '" + name + "' to publish a revision", Duration.ofSeconds(1))
                    : new Fail("workflow '" + name + "' published no revision in time");
        }
        ParamResolver.Result params = ParamResolver.resolve(revision.get().getSpec().template.params, run.getSpec().params);
        if (!params.ok()) {
            return new Fail(String.join("; ", params.problems()));
        }
        return new Pinned(revision.get(), params.params());
    }
}
