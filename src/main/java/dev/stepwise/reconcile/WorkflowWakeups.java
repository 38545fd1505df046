package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import jakarta.inject.Singleton;

/**
 * Wakes a Workflow when one of its Runs came, changed what the Workflow's status shows of it (phase,
 * start, end) or went. The Run controller sends these: the Workflow controller keeps no Run informer
 * of its own (every Run event would be decoded twice) and reads Runs from {@link RunIndex}.
 */
@Singleton
public class WorkflowWakeups extends Wakeups<WorkflowResource> {

    public WorkflowWakeups() {
        super("workflow-wakeups");
    }
}
