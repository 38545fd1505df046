package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The Workflow controller's own cache of Workflows, lent to the Run controller: a Run that has not
 * started reads its Workflow here, not with a GET per reconcile (a burst of Queued Runs woken at
 * once used to make one each).
 */
@Singleton
public class WorkflowIndex {
    private volatile IndexerResourceCache<WorkflowResource> cache;

    /** Called once by the Workflow controller before its informer starts. */
    void attach(IndexerResourceCache<WorkflowResource> workflows) {
        cache = workflows;
    }

    /** The cached Workflow; empty if not cached (yet): the caller may read it from the API server. */
    Optional<WorkflowResource> get(String namespace, String name) {
        IndexerResourceCache<WorkflowResource> c = cache;
        return c == null ? Optional.empty() : c.get(new ResourceID(name, namespace));
    }
}
