package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.kube.CacheTrim;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/** The Run controller's cache of Runs, without managedFields (a server-side-applied status lists every field in them). */
public class TrimmedRunStore extends TransformingItemStore<Run> {
    public TrimmedRunStore() {
        super(CacheTrim::withoutManagedFields);
    }
}
