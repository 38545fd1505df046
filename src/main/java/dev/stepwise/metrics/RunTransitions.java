package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What happened between two statuses of one Run: it started, it finished, attempts ended. Pure: the
 * metrics and the activity log both read a Run's story from here, so they never disagree.
 */
public final class RunTransitions {
    /** Something that happened to a Run; {@code step} and {@code attempt} are set for attempts only. */
    public record Transition(Kind kind, RunPhase phase, String step, Integer attempt, AttemptResult result,
                             String reason, Duration duration) {
    }

    public enum Kind { RunStarted, RunFinished, AttemptFinished }

    /** How an attempt ended. */
    public enum AttemptResult { Succeeded, Failed, Disrupted, Cancelled }

    private RunTransitions() {
    }

    /**
     * @param previous the status the Run had (null for a new Run)
     * @param next     the status being written
     * @param created  the Run's creation time (the duration of a Run that failed before it started)
     */
    public static List<Transition> between(RunStatus previous, RunStatus next, Instant created) {
        List<Transition> out = new ArrayList<>();
        if (next == null) {
            return out;
        }
        if (startedAt(previous) == null && next.startedAt != null) {
            out.add(new Transition(Kind.RunStarted, next.phase, null, null, null, null, null));
        }
        Set<String> finishedBefore = finishedAttempts(previous);
        for (StepStatus step : next.steps) {
            for (Attempt a : step.attempts) {
                if (a.isFinished() && a.number != null && !finishedBefore.contains(step.name + "#" + a.number)) {
                    out.add(new Transition(Kind.AttemptFinished, next.phase, step.name, a.number, result(a), a.reason,
                            between(a.startedAt, a.finishedAt)));
                }
            }
        }
        boolean wasFinished = previous != null && previous.phase != null && previous.phase.isFinished();
        if (!wasFinished && next.phase != null && next.phase.isFinished()) {
            Duration d = between(next.startedAt, next.finishedAt);
            if (d == null && created != null && next.finishedAt != null) {
                d = between(created.toString(), next.finishedAt);
            }
            out.add(new Transition(Kind.RunFinished, next.phase, null, null, null, null, d));
        }
        return out;
    }

    static AttemptResult result(Attempt a) {
        if (a.lostToDisruption()) {
            return AttemptResult.Disrupted;
        }
        if ("Cancelled".equals(a.reason)) {
            return AttemptResult.Cancelled;
        }
        boolean ok = "Completed".equals(a.reason) && (a.exitCode == null || a.exitCode == 0);
        return ok ? AttemptResult.Succeeded : AttemptResult.Failed;
    }

    private static String startedAt(RunStatus s) {
        return s == null ? null : s.startedAt;
    }

    private static Set<String> finishedAttempts(RunStatus s) {
        Set<String> out = new HashSet<>();
        if (s != null) {
            for (StepStatus step : s.steps) {
                for (Attempt a : step.attempts) {
                    if (a.isFinished()) {
                        out.add(step.name + "#" + a.number);
                    }
                }
            }
        }
        return out;
    }

    private static Duration between(String from, String to) {
        if (from == null || to == null) {
            return null;
        }
        try {
            Duration d = Duration.between(Instant.parse(from), Instant.parse(to));
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
