package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import jakarta.inject.Singleton;

/**
 * Wakes a Run: the Workflow controller wakes its Queued Runs when a Run of it was created, ended or
 * deleted, so a freed slot is taken at once; a notification sent wakes its Run to record the answer.
 */
@Singleton
public class RunWakeups extends Wakeups<Run> {

    public RunWakeups() {
        super("run-wakeups");
    }
}
