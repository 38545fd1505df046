package dev.stepwise.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

import java.util.List;
import java.util.Optional;

/** Reads from a reconciler's own informer caches, beyond what the secondary index maps. */
final class Informers {
    private Informers() {
    }

    @SuppressWarnings("unchecked")
    static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> source(Context<P> ctx, Class<R> type) {
        return (InformerEventSource<R, P>) ctx.eventSourceRetriever().getEventSourceFor(type);
    }

    static <R extends HasMetadata, P extends HasMetadata> List<R> list(Context<P> ctx, Class<R> type) {
        return source(ctx, type).list(r -> true).toList();
    }

    /**
     * The cached resources an indexer (added in prepareEventSources) files under {@code key}, as a List.
     * Context.getSecondaryResources collects into Sets, which hashes every Job, pod and Run in full
     * (managedFields and all), on every reconcile.
     */
    static <R extends HasMetadata, P extends HasMetadata> List<R> byIndex(Context<P> ctx, Class<R> type, String index, String key) {
        return source(ctx, type).byIndex(index, key);
    }

    static <R extends HasMetadata, P extends HasMetadata> Optional<R> get(Context<P> ctx, Class<R> type, String name, String namespace) {
        return source(ctx, type).get(new ResourceID(name, namespace));
    }
}
