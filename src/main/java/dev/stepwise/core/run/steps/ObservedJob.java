package dev.stepwise.core.run.steps;

import java.time.Instant;

/**
 * What the operator saw of one attempt's Job and pod, reduced to the facts decisions need.
 * Built at the Kubernetes edge; the planner never sees a Job object.
 *
 * @param podCreatedAt       when the pod was created, or null without a pod
 * @param containerStartedAt when the step's container started, or null while it has not
 * @param disrupted the pod carries a DisruptionTarget condition (evicted through the Eviction API,
 *                  preempted, its node lost): a real disruption, retried without using up the limit
 */
public record ObservedJob(
        String jobName,
        String step,
        int attempt,
        Instant createdAt,
        State state,
        String podName,
        Instant podCreatedAt,
        Instant containerStartedAt,
        boolean podStarted,
        Instant finishedAt,
        Integer exitCode,
        String reason,
        String message,
        String terminationMessage,
        boolean disrupted,
        String logs) {

    public enum State {
        /** The Job runs or waits for its pod. */
        ACTIVE,
        SUCCEEDED,
        FAILED,
        /** The Job was confirmed gone from the API server before its attempt ended: someone deleted it. */
        MISSING
    }

    /** A Job that status waits on and the API server no longer has: deleted by someone else. */
    public static ObservedJob missing(String jobName, String step, int attempt) {
        return new ObservedJob(jobName, step, attempt, null, State.MISSING, null, null, null, false, null, null,
                "JobDeleted", "the attempt's Job was deleted before it finished", null, false, null);
    }

    public boolean isFinished() {
        return state != State.ACTIVE;
    }
}
