package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Run;

import java.util.Collection;
import java.util.List;

/**
 * Whether a WorkflowRevision being deleted (its Workflow was deleted) may go: not while an unfinished
 * Run uses it, nor while an unfinished Run of that Workflow has not pinned a revision yet (it may be
 * about to pin this one). Pinned means pinned: deleting a Workflow lets its Runs finish.
 */
public final class RevisionRelease {
    private RevisionRelease() {
    }

    /** Names of the Runs that hold the revision; empty when it may be deleted. */
    public static List<String> holders(String revision, String workflow, Collection<Run> runsInNamespace) {
        return runsInNamespace.stream()
                .filter(r -> r.getMetadata().getDeletionTimestamp() == null)
                .filter(r -> r.getSpec() != null && r.getSpec().workflowRef != null && workflow.equals(r.getSpec().workflowRef.name))
                .filter(r -> r.getStatus() == null || r.getStatus().phase == null || !r.getStatus().phase.isFinished())
                .filter(r -> r.getStatus() == null || r.getStatus().revision == null || revision.equals(r.getStatus().revision))
                .map(r -> r.getMetadata().getName())
                .sorted()
                .toList();
    }
}
