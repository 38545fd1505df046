package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.WorkflowSpec;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The line of a Workflow's Runs that wait for a slot (maxConcurrentRuns). Waiting Runs go by
 * spec.priority (higher first), then age, then name; a Run holds a slot from the moment it pinned
 * its revision until it finishes.
 */
public final class RunQueue {
    /** Higher priority first, then older, then by name. */
    public static final Comparator<Run> ORDER = Comparator
            .comparing((Run r) -> -priority(r))
            .thenComparing(r -> r.getMetadata().getCreationTimestamp() == null ? "" : r.getMetadata().getCreationTimestamp())
            .thenComparing(r -> r.getMetadata().getName());

    private RunQueue() {
    }

    /** Whether the workflow limits its Runs at all (else every Run starts at once, with no look at the others). */
    public static boolean limits(WorkflowSpec spec) {
        return spec != null && (spec.concurrencyPolicyOrDefault() != WorkflowSpec.ConcurrencyPolicy.Allow
                || spec.maxConcurrentRunsOrDefault() > 0);
    }

    /** Pinned its revision: it holds a slot until it finishes. */
    public static boolean started(Run r) {
        return r.getStatus() != null && r.getStatus().revision != null;
    }

    public static boolean finished(Run r) {
        return r.getStatus() != null && r.getStatus().phase != null && r.getStatus().phase.isFinished();
    }

    /**
     * The Queued Runs worth a look now: with maxConcurrentRuns, the first ones in line for the free
     * slots (waking the rest would only have each of them find it must wait); without it (a Replace
     * policy's queue), every Queued Run.
     */
    public static List<String> toWake(WorkflowSpec spec, Collection<Run> runs) {
        List<Run> queued = runs.stream().filter(r -> !started(r) && r.getStatus() != null && r.getStatus().phase == RunPhase.Queued
                && r.getMetadata().getDeletionTimestamp() == null).sorted(ORDER).toList();
        int max = spec == null ? 0 : spec.maxConcurrentRunsOrDefault();
        if (max <= 0 || queued.isEmpty()) {
            return queued.stream().map(r -> r.getMetadata().getName()).toList();
        }
        long active = runs.stream().filter(r -> started(r) && !finished(r)).count();
        int free = (int) Math.max(0, max - active);
        return queued.stream().limit(free).map(r -> r.getMetadata().getName()).toList();
    }

    private static int priority(Run r) {
        return r.getSpec() == null || r.getSpec().priority == null ? 0 : r.getSpec().priority;
    }
}
