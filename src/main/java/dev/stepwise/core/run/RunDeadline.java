package dev.stepwise.core.run;

import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

import java.time.Duration;
import java.time.Instant;

/**
 * The whole Run's time limit: the Run's spec.timeout, else its workflow's, counted from the Run's start
 * (wall clock: time spent suspended counts too).
 */
record RunDeadline(String timeout, Instant at) {

    /** The deadline, or null when neither the Run nor its workflow sets a timeout (or the Run has not started). */
    static RunDeadline of(String runTimeout, String workflowTimeout, String startedAt) {
        String timeout = runTimeout != null && !runTimeout.isBlank() ? runTimeout : workflowTimeout;
        Duration d = GoDuration.parseOrNull(timeout);
        Instant start = Times.parse(startedAt);
        return d == null || start == null ? null : new RunDeadline(timeout, start.plus(d));
    }

    boolean passed(Instant now) {
        return !now.isBefore(at);
    }
}
