package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.core.workflow.ScheduleDecision;
import dev.stepwise.core.time.Times;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Creates the Run of a schedule's slot. Its name comes from the slot, so a second create of the same
 * slot (after a restart, by a second replica, after a lost status write) is refused with 409 and taken
 * as done: a slot never starts twice. Scheduled Runs have no owner: deleting the Workflow lets running
 * ones finish, like any Run.
 */
public final class ScheduledRuns {
    public static final String SCHEDULED_TIME = "stepwise.dev/scheduled-time";

    private ScheduledRuns() {
    }

    /** @return true when this call created the Run, false when the slot's Run existed already */
    public static boolean create(KubernetesClient client, WorkflowResource wf, ScheduleDecision.SlotRun slot) {
        Run run = TriggeredRun.of(wf, "schedule", slot.params());
        run.getMetadata().setName(slot.runName());
        run.getMetadata().setAnnotations(java.util.Map.of(SCHEDULED_TIME, Times.format(slot.slot())));
        try {
            client.resources(Run.class).inNamespace(wf.getMetadata().getNamespace()).resource(run).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
    }
}
