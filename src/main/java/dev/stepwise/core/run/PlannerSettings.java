package dev.stepwise.core.run;

import java.time.Duration;

/**
 * Operator-wide settings the planner decides with.
 *
 * @param logTailBytes          bytes of a finished attempt's log kept in status (before the Run's budget)
 * @param defaultPendingTimeout how long an attempt may go without a running pod when its step sets no
 *                              pendingTimeout
 * @param disruptionRetryLimit  free retries per step for attempts lost to a real disruption (eviction,
 *                              preemption, a lost node); past it a disruption counts as a failure
 * @param workflowWaitTimeout   how long a new Run waits for its Workflow to appear or publish
 */
public record PlannerSettings(int logTailBytes, Duration defaultPendingTimeout, int disruptionRetryLimit,
                              Duration workflowWaitTimeout) {
    public static final PlannerSettings DEFAULTS = new PlannerSettings(2048, Duration.ofMinutes(30), 3,
            Duration.ofSeconds(60));
}
