package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.controller.ControllerEventSource;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * The one cache of Runs in the operator: the Run controller's own informer, indexed by workflow,
 * shared with the Workflow controller (which used to keep a second Run informer and decode every Run
 * event twice). Reads go through the cache's get, which also returns a status this process has just
 * written and the informer has not delivered yet.
 */
@Singleton
public class RunIndex {
    private static final String BY_WORKFLOW = "byWorkflow";
    private volatile IndexerResourceCache<Run> cache;

    /** Called once by the Run controller before its informer starts. */
    void attach(IndexerResourceCache<Run> runs) {
        runs.addIndexers(Map.of(BY_WORKFLOW, (Run run) -> run.getSpec() == null || run.getSpec().workflowRef == null
                ? List.of() : List.of(key(run.getMetadata().getNamespace(), run.getSpec().workflowRef.name))));
        cache = runs;
    }

    /**
     * The Runs of a workflow. Throws until the Run informer has started and synced, so that no
     * Workflow decides on counts it has not seen yet (the Workflow reconcile is retried).
     */
    List<Run> ofWorkflow(String namespace, String workflow) {
        IndexerResourceCache<Run> c = cache;
        if (c == null || (c instanceof ControllerEventSource<Run> source && !source.isRunning())) {
            throw new IllegalStateException("the Run cache is not ready yet");
        }
        return c.byIndex(BY_WORKFLOW, key(namespace, workflow)).stream()
                .map(r -> c.get(ResourceID.fromResource(r)).orElse(r))
                .toList();
    }

    private static String key(String namespace, String workflow) {
        return namespace + "/" + workflow;
    }
}
