package dev.stepwise.core.start;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import dev.stepwise.core.workflow.RunQueue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Whether a Run that has not started may start now, given its workflow's concurrencyPolicy and
 * maxConcurrentRuns and the Runs of that workflow as they exist (never a counter, so no slot leaks
 * across restarts). A Run holds a slot from the moment it is admitted (pinned, or admitted by this
 * process a moment ago and not yet seen pinned) until it finishes. Waiting Runs go by spec.priority
 * (higher first), then age, then name.
 */
public final class Admission {
    private Admission() {
    }

    public sealed interface Verdict permits Admit, Queue, Forbid {
    }

    /** Start now. */
    public record Admit() implements Verdict {
    }

    /**
     * Wait in phase Queued.
     *
     * @param cancel Runs to cancel first (concurrencyPolicy Replace)
     */
    public record Queue(String message, List<String> cancel) implements Verdict {
    }

    /** Fail at once (concurrencyPolicy Forbid). */
    public record Forbid(String message) implements Verdict {
    }

    /** Whether the workflow limits its Runs at all (else every Run starts at once, with no look at the others). */
    public static boolean limits(WorkflowSpec spec) {
        return RunQueue.limits(spec);
    }

    /**
     * @param runs      the Runs of the workflow in the namespace (this one included or not)
     * @param admitting Runs admitted by this process whose pinned status the cache does not show yet
     */
    public static Verdict decide(Run run, WorkflowSpec spec, Collection<Run> runs, Set<String> admitting) {
        String self = run.getMetadata().getName();
        List<Run> active = new ArrayList<>();
        List<Run> waiting = new ArrayList<>();
        for (Run r : runs) {
            String name = r.getMetadata().getName();
            if (name.equals(self) || finished(r)) {
                continue;
            }
            if (started(r) || admitting.contains(name)) {
                active.add(r);
            } else {
                waiting.add(r);
            }
        }
        active.sort(Comparator.comparing(r -> r.getMetadata().getName()));
        switch (spec.concurrencyPolicyOrDefault()) {
            case Forbid -> {
                if (!active.isEmpty()) {
                    return new Forbid("concurrencyPolicy Forbid: run " + names(active) + " of workflow '"
                            + run.getSpec().workflowRef.name + "' is still running");
                }
            }
            case Replace -> {
                if (!active.isEmpty()) {
                    List<String> cancel = active.stream().filter(r -> !r.getSpec().cancelRequested())
                            .map(r -> r.getMetadata().getName()).toList();
                    return new Queue("waiting for run " + names(active) + " to stop (concurrencyPolicy Replace cancels it)", cancel);
                }
            }
            default -> {
            }
        }
        int max = spec.maxConcurrentRunsOrDefault();
        if (max <= 0) {
            return new Admit();
        }
        waiting.add(run);
        waiting.sort(QUEUE_ORDER);
        int place = waiting.indexOf(run);
        int free = max - active.size();
        if (place < free) {
            return new Admit();
        }
        return new Queue(RunQueue.queuedMessage(place - Math.max(free, 0) + 1, max, active), List.of());
    }

    /** Higher priority first, then older, then by name. */
    static final Comparator<Run> QUEUE_ORDER = RunQueue.ORDER;

    /** Pinned its revision: it holds a slot until it finishes. */
    public static boolean started(Run r) {
        return RunQueue.started(r);
    }

    public static boolean finished(Run r) {
        return RunQueue.finished(r);
    }

    private static String names(List<Run> runs) {
        return RunQueue.names(runs);
    }
}
