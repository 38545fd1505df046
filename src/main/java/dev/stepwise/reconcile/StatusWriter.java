package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

/**
 * Writes a Run's status by server-side apply and caches the result, so the next reconcile starts
 * from what was just written and not from an informer that has not caught up yet.
 */
final class StatusWriter {
    private StatusWriter() {
    }

    static void write(Run run, RunStatus status, Context<Run> context) {
        Run fresh = new Run();
        fresh.setMetadata(new ObjectMetaBuilder()
                .withName(run.getMetadata().getName())
                .withNamespace(run.getMetadata().getNamespace())
                .build());
        fresh.setStatus(status);
        dev.stepwise.metrics.StatusWrites.observe(run, status);
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(run, fresh, context);
    }
}
