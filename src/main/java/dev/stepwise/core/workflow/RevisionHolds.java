package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who keeps a WorkflowRevision alive. A revision is owned by its Workflow (the controller reference)
 * and by every unfinished Run that pinned it (a plain owner reference each): the garbage collector
 * deletes it once all its owners are gone. Deleting a Workflow so lets its running Runs finish, and
 * nothing waits for the operator: an uninstall, a CRD or a namespace deletion never hangs on a
 * finalizer. When the last Run lets go of a revision whose Workflow is gone, the revision has no
 * owner left and the operator deletes it.
 */
public final class RevisionHolds {
    /** The finalizer revisions used to be published with; removed wherever it is found. */
    public static final String LEGACY_FINALIZER = "stepwise.dev/revision-in-use";

    private RevisionHolds() {
    }

    /** Whether a Run with this status keeps the revision it pinned: pinned, unfinished and not being deleted. */
    public static boolean holds(Run run, RunStatus status) {
        return status != null && status.revision != null && (status.phase == null || !status.phase.isFinished())
                && run.getMetadata().getDeletionTimestamp() == null;
    }

    /**
     * The owner references a revision should carry so that it holds (or no longer holds) the Run
     * {@code run} refers to; empty when they are right already.
     */
    public static Optional<List<OwnerReference>> owners(List<OwnerReference> current, OwnerReference run, boolean hold) {
        List<OwnerReference> now = current == null ? List.of() : current;
        boolean has = now.stream().anyMatch(o -> run.getUid().equals(o.getUid()));
        if (has == hold) {
            return Optional.empty();
        }
        List<OwnerReference> wanted = new ArrayList<>(now);
        if (hold) {
            wanted.add(run);
        } else {
            wanted.removeIf(o -> run.getUid().equals(o.getUid()));
        }
        return Optional.of(wanted);
    }

    /**
     * Unfinished Runs that pinned this revision but are not among its owners yet (pinned a moment
     * ago, or before the operator held revisions this way): the revision must not go while any is.
     */
    public static List<String> unheldPins(WorkflowRevision revision, Collection<Run> runsOfWorkflow) {
        Set<String> owners = revision.getMetadata().getOwnerReferences().stream()
                .map(OwnerReference::getUid).collect(Collectors.toSet());
        String name = revision.getMetadata().getName();
        return runsOfWorkflow.stream()
                .filter(r -> holds(r, r.getStatus()) && name.equals(r.getStatus().revision))
                .filter(r -> !owners.contains(r.getMetadata().getUid()))
                .map(r -> r.getMetadata().getName())
                .sorted()
                .toList();
    }

    /**
     * While a revision published with {@link #LEGACY_FINALIZER} is being deleted, the Runs that
     * still hold it the old way: unfinished Runs of its Workflow that pinned it, or that have not
     * pinned any revision yet (they may be about to pin this one).
     */
    public static List<String> legacyHolders(String revision, String workflow, Collection<Run> runsOfWorkflow) {
        return runsOfWorkflow.stream()
                .filter(r -> r.getMetadata().getDeletionTimestamp() == null)
                .filter(r -> r.getSpec() != null && r.getSpec().workflowRef != null && workflow.equals(r.getSpec().workflowRef.name))
                .filter(r -> r.getStatus() == null || r.getStatus().phase == null || !r.getStatus().phase.isFinished())
                .filter(r -> r.getStatus() == null || r.getStatus().revision == null || revision.equals(r.getStatus().revision))
                .map(r -> r.getMetadata().getName())
                .sorted()
                .toList();
    }

    /** A revision left with no owner at all: its Workflow is gone and no Run holds it any more. */
    public static boolean orphaned(WorkflowRevision revision) {
        return revision.getMetadata().getDeletionTimestamp() == null && revision.getMetadata().getOwnerReferences().isEmpty();
    }
}
