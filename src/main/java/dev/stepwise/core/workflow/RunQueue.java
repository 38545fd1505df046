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
     * slots, and any whose place in line has changed (so its message tells the truth); the rest
     * would only find again what they show. Without it (a Replace policy's queue), every Queued Run.
     */
    public static List<String> toWake(WorkflowSpec spec, Collection<Run> runs) {
        int max = spec == null ? 0 : spec.maxConcurrentRunsOrDefault();
        List<Run> waiting = runs.stream().filter(r -> !started(r) && !finished(r) && r.getMetadata().getDeletionTimestamp() == null)
                .sorted(ORDER).toList();
        if (max <= 0) {
            return waiting.stream().filter(RunQueue::queued).map(r -> r.getMetadata().getName()).toList();
        }
        List<Run> active = runs.stream().filter(r -> started(r) && !finished(r))
                .sorted(Comparator.comparing((Run r) -> r.getMetadata().getName())).toList();
        int free = Math.max(0, max - active.size());
        List<String> wake = new java.util.ArrayList<>();
        for (int place = 0; place < waiting.size(); place++) {
            Run r = waiting.get(place);
            if (queued(r) && (place < free || !queuedMessage(place - free + 1, max, active).equals(r.getStatus().message))) {
                wake.add(r.getMetadata().getName());
            }
        }
        return wake;
    }

    /** What a Run waiting for a slot shows: its place in line, the limit and who runs. */
    public static String queuedMessage(int place, int max, List<Run> active) {
        return "queued: " + ordinal(place) + " in line (maxConcurrentRuns " + max + "; running: " + names(active) + ")";
    }

    private static boolean queued(Run r) {
        return r.getStatus() != null && r.getStatus().phase == RunPhase.Queued;
    }

    /** Up to three names, then how many more. */
    public static String names(List<Run> runs) {
        List<String> n = runs.stream().map(r -> r.getMetadata().getName()).toList();
        if (n.isEmpty()) {
            return "none yet";
        }
        return n.size() <= 3 ? String.join(", ", n) : String.join(", ", n.subList(0, 3)) + " and " + (n.size() - 3) + " more";
    }

    private static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    private static int priority(Run r) {
        return r.getSpec() == null || r.getSpec().priority == null ? 0 : r.getSpec().priority;
    }
}
