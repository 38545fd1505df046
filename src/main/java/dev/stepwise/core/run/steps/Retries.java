package dev.stepwise.core.run.steps;

import dev.stepwise.core.time.GoDuration;

import dev.stepwise.api.v1alpha1.RetryPolicy;

import java.time.Duration;

/** Whether a failed attempt is retried, and after how long. */
public final class Retries {
    static final Duration DEFAULT_DELAY = Duration.ofSeconds(10);
    /** The longest delay: what GoDuration saturates to, still addable to any timestamp. */
    static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE);

    private Retries() {
    }

    /**
     * A retry happens when attempts remain and onExitCodes is empty or holds the exit code.
     *
     * @param countedFailures failed attempts so far that count against the limit (disruptions do not)
     * @param exitCode        exit code of the failed attempt, null when the container never ran
     */
    public static boolean shouldRetry(RetryPolicy policy, int countedFailures, Integer exitCode) {
        if (policy == null || policy.limit == null || countedFailures > policy.limit) {
            return false;
        }
        if (policy.onExitCodes == null || policy.onExitCodes.isEmpty()) {
            return true;
        }
        return exitCode != null && policy.onExitCodes.contains(exitCode);
    }

    /** Delay before retry number n (n = 1 is the first retry, i.e. attempt 2). */
    public static Duration delayBeforeRetry(RetryPolicy policy, int n) {
        Duration base = policy == null || policy.delay == null ? DEFAULT_DELAY : GoDuration.parse(policy.delay);
        RetryPolicy.Backoff backoff = policy == null || policy.backoff == null ? RetryPolicy.Backoff.constant : policy.backoff;
        Duration delay;
        try {
            delay = switch (backoff) {
                case constant -> base;
                case linear -> base.multipliedBy(n);
                // cap the exponent so a large limit cannot overflow
                case exponential -> base.multipliedBy(1L << Math.min(Math.max(n - 1, 0), 30));
            };
        } catch (ArithmeticException e) {
            // a huge delay times a large n: saturate (as GoDuration does) rather than fail the reconcile
            delay = LONGEST;
        }
        Duration max = policy == null ? null : GoDuration.parseOrNull(policy.maxDelay);
        return max != null && delay.compareTo(max) > 0 ? max : delay;
    }
}
