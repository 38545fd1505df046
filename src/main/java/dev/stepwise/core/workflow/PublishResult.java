package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.WorkflowRevision;

/** What became of publishing a revision. */
public sealed interface PublishResult permits PublishResult.Published, PublishResult.Taken, PublishResult.Failed {

    /** Created now (or found as this very content of this Workflow, published before a restart). */
    record Published(WorkflowRevision revision) implements PublishResult {
    }

    /** The name is another revision's (the cache lagged a publish, or another Workflow's): decide again. */
    record Taken(String message) implements PublishResult {
    }

    /** The API server refused: the server's reason and message, for the Workflow's status. */
    record Failed(String reason, String message) implements PublishResult {
    }
}
