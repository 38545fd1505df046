package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import org.jboss.logging.Logger;

/**
 * Writes a Run's status by server-side apply and caches the result, so the next reconcile starts
 * from what was just written and not from an informer that has not caught up yet.
 */
final class StatusWriter {
    private static final Logger LOG = Logger.getLogger(StatusWriter.class);

    private StatusWriter() {
    }

    static void write(Run run, RunStatus status, Context<Run> context) {
        Run fresh = new Run();
        fresh.setMetadata(new ObjectMetaBuilder()
                .withName(run.getMetadata().getName())
                .withNamespace(run.getMetadata().getNamespace())
                .build());
        fresh.setStatus(status);
        if (LOG.isDebugEnabled()) {
            // what made this write: tells where a write could have been saved
            LOG.debugf("status of Run %s/%s (resourceVersion %s): %s", run.getMetadata().getNamespace(),
                    run.getMetadata().getName(), run.getMetadata().getResourceVersion(),
                    dev.stepwise.core.status.StatusDiff.paths(run.getStatus(), status));
        }
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(run, fresh, context);
        // counted once written: a refused write is retried, and would count its transitions twice
        dev.stepwise.metrics.StatusWrites.observe(run, status);
    }
}
