package dev.stepwise.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Operator settings (application.properties, or env vars such as STEPWISE_LOG_TAIL_BYTES). */
@ConfigMapping(prefix = "stepwise")
public interface StepwiseConfig {

    /** Bytes of a finished attempt's log kept in status (shrinks further as a Run grows). */
    @WithDefault("2048")
    int logTailBytes();

    /** Image of the init container that clones a step's repository. */
    @WithDefault("docker.io/alpine/git:v2.47.2")
    String gitImage();

    /** How long a Run waits for its Workflow to appear or publish a revision before it fails. */
    @WithDefault("60s")
    java.time.Duration workflowWaitTimeout();

    /**
     * How long an attempt may go without a running pod (unschedulable, image not pulled, pod refused by
     * admission, Job refused by quota) when its step sets no pendingTimeout; then it fails with the reason.
     */
    @WithDefault("30m")
    java.time.Duration defaultPendingTimeout();

    /** Free retries per step for attempts lost to real disruptions (eviction, preemption, a lost node). */
    @WithDefault("3")
    int disruptionRetryLimit();

    /**
     * How long a finished step Job and its pod stay before Kubernetes deletes them (ttlSecondsAfterFinished);
     * the Run's status keeps attempts, exit codes, outputs and log tails. 0 keeps them until the Run is deleted.
     */
    @WithDefault("1h")
    java.time.Duration finishedJobTtl();

    default dev.stepwise.core.run.PlannerSettings plannerSettings() {
        return new dev.stepwise.core.run.PlannerSettings(logTailBytes(), defaultPendingTimeout(), disruptionRetryLimit(),
                workflowWaitTimeout());
    }
}
