package dev.stepwise.core.start;

import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.time.Times;
import dev.stepwise.core.workflow.RevisionDecision;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides which revision a new Run pins, or why it must wait (its Workflow was applied in the same
 * breath and has not published yet) or fail (missing, invalid, inactive, missing param). A revision
 * is only ever taken from the Workflow that exists now (its controller UID): a Workflow re-created
 * under an old name never hands out the old one's revisions.
 */
public final class RevisionPinning {
    private RevisionPinning() {
    }

    public sealed interface Result permits Pinned, Wait, Fail {
    }

    /**
     * @param retryOf the finished Run a retry takes over from, or null
     */
    public record Pinned(WorkflowRevision revision, Map<String, String> params, Run retryOf) implements Result {
        public Pinned(WorkflowRevision revision, Map<String, String> params) {
            this(revision, params, null);
        }
    }

    public record Wait(String message, Duration retryAfter) implements Result {
    }

    public record Fail(String message) implements Result {
    }

    public static Result decide(Run run, Supplier<Optional<WorkflowResource>> workflowLookup,
                                Function<String, Optional<WorkflowRevision>> revisions, Instant now, Duration waitTimeout) {
        String name = run.getSpec().workflowRef.name;
        Instant created = Optional.ofNullable(Times.parse(run.getMetadata().getCreationTimestamp())).orElse(now);
        boolean patienceLeft = now.isBefore(created.plus(waitTimeout));
        Optional<WorkflowResource> workflow = workflowLookup.get()
                .filter(wf -> wf.getMetadata().getDeletionTimestamp() == null);
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
        if (upToDate && ready != null && Conditions.FALSE.equals(ready.getStatus()) && "Invalid".equals(ready.getReason())) {
            return new Fail("workflow '" + name + "' is invalid: " + ready.getMessage());
        }
        Integer wanted = run.getSpec().workflowRef.revision;
        String revisionName = wanted != null ? RevisionDecision.nameOf(name, wanted)
                : (upToDate ? status.currentRevision : null);
        Optional<WorkflowRevision> revision = revisionName == null ? Optional.empty()
                : revisions.apply(revisionName).filter(r -> ownedBy(r, wf) && r.getMetadata().getDeletionTimestamp() == null);
        if (revision.isEmpty()) {
            if (wanted != null && upToDate) {
                return new Fail("workflow '" + name + "' has no revision " + wanted + " (current: " + status.revision + ")");
            }
            return patienceLeft ? new Wait("waiting for workflow '" + name + "' to publish a revision", Duration.ofSeconds(1))
                    : new Fail("workflow '" + name + "' published no revision in time"
                            + (ready != null && ready.getMessage() != null && !ready.getMessage().isBlank() ? ": " + ready.getMessage() : ""));
        }
        return pin(run, revision.get(), run.getSpec().params, null);
    }

    /** Resolves params against the revision and checks the rest of the Run's spec against it. */
    static Result pin(Run run, WorkflowRevision revision, Map<String, String> given, Run retryOf) {
        ParamResolver.Result params = ParamResolver.resolve(revision.getSpec().template.params, given);
        java.util.List<String> problems = new java.util.ArrayList<>(params.problems());
        problems.addAll(RunSpecCheck.problems(run.getSpec(), revision.getSpec().template));
        if (!problems.isEmpty()) {
            return new Fail(String.join("; ", problems));
        }
        return new Pinned(revision, params.params(), retryOf);
    }

    /** Whether the Workflow that exists now (by UID) published this revision. */
    static boolean ownedBy(WorkflowRevision revision, WorkflowResource wf) {
        String uid = wf.getMetadata().getUid();
        for (OwnerReference o : revision.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(o.getController())) {
                return uid == null || uid.equals(o.getUid());
            }
        }
        return false;
    }
}
