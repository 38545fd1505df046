package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.core.start.Admission;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Admission to a workflow's concurrency limits is decided for one Run at a time per workflow (a lock
 * per workflow), and a Run admitted a moment ago counts as running until the informer shows it
 * pinned: so two reconciles never both take the last free slot. What it remembers is only that gap;
 * everything else is computed from the Runs that exist.
 */
@Singleton
public class AdmissionLedger {
    /** Lock stripes, not a lock per workflow: a map of those would keep every workflow ever seen. */
    private final Object[] locks = new Object[64];
    private final Map<String, Set<String>> admitted = new ConcurrentHashMap<>();

    static String key(String namespace, String workflow) {
        return namespace + "/" + workflow;
    }

    public AdmissionLedger() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    Object lock(String key) {
        return locks[Math.floorMod(key.hashCode(), locks.length)];
    }

    void admitted(String key, String run) {
        admitted.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(run);
    }

    /** Runs admitted but not yet seen pinned (or finished, or gone) in the cache. */
    Set<String> inFlight(String key, Function<String, Run> cached) {
        Set<String> names = admitted.get(key);
        if (names == null) {
            return Set.of();
        }
        names.removeIf(n -> {
            Run r = cached.apply(n);
            return r == null || Admission.started(r) || Admission.finished(r);
        });
        if (names.isEmpty()) {
            // called under the key's lock, like admitted(): no admission can slip in between
            admitted.remove(key, names);
        }
        return Set.copyOf(names);
    }

    /** Workflows with Runs admitted and not yet seen pinned (for tests: the ledger forgets the rest). */
    int remembered() {
        return admitted.size();
    }
}
