package dev.stepwise.api.v1alpha1;

/** Phase of a Run. Queued and Suspended arrive with concurrency and run control. */
public enum RunPhase {
    Pending, Queued, Running, Suspended, Succeeded, Failed, Cancelled;

    public boolean isFinished() {
        return this == Succeeded || this == Failed || this == Cancelled;
    }
}
