package dev.stepwise.api.v1alpha1;

/** Phase of one step of a Run. Waiting = between attempts (backoff) or waiting for time or an event. */
public enum StepPhase {
    Pending, Waiting, Running, Succeeded, Failed, Skipped, Cancelled;

    public boolean isFinished() {
        return this == Succeeded || this == Failed || this == Skipped || this == Cancelled;
    }
}
