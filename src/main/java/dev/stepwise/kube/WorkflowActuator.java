package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.workflow.PublishResult;
import dev.stepwise.core.workflow.ScheduleDecision;
import dev.stepwise.core.workflow.WorkflowLifecycle;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Does what {@link WorkflowLifecycle} decided for a Workflow and reports what the API server
 * refused, so the lifecycle can judge it: nothing here throws for a refused create or delete, and
 * the Workflow's status is written whatever came of them.
 */
public final class WorkflowActuator {
    private WorkflowActuator() {
    }

    /** @param published told of a revision just published, for caches that lag the API server */
    public static WorkflowLifecycle.Refusals act(KubernetesClient client, WorkflowResource wf, WorkflowLifecycle.Plan plan,
                                                 Instant now, Consumer<WorkflowRevision> published) {
        PublishResult publish = null;
        if (plan.publish() != null) {
            publish = RevisionPublisher.publish(client, wf, plan.publish(), now);
            if (publish instanceof PublishResult.Published p) {
                published.accept(p.revision());
            }
        }
        Map<String, String> slots = new LinkedHashMap<>();
        for (ScheduleDecision.SlotRun slot : plan.create()) {
            try {
                ScheduledRuns.create(client, wf, slot);
            } catch (KubernetesClientException e) {
                slots.put(slot.runName(), describe(e));
            }
        }
        Map<String, String> deletes = new LinkedHashMap<>();
        for (WorkflowLifecycle.RunRef run : plan.delete()) {
            try {
                deleteIfUnchanged(client, wf.getMetadata().getNamespace(), run);
            } catch (KubernetesClientException e) {
                deletes.put(run.name(), describe(e));
            }
        }
        return new WorkflowLifecycle.Refusals(publish, slots, deletes);
    }

    /**
     * Deletes the very Run the history judged, as the TTL-after-finished controller does: the
     * resourceVersion is a precondition, so a Run created again under the name, or labelled
     * {@code stepwise.dev/keep} since the cache saw it, is left alone (409) and judged again.
     */
    static void deleteIfUnchanged(KubernetesClient client, String namespace, WorkflowLifecycle.RunRef run) {
        try {
            client.resources(Run.class).inNamespace(namespace).withName(run.name()).lockResourceVersion(run.resourceVersion()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static String describe(KubernetesClientException e) {
        ApiErrors.Failure f = ApiErrors.of(e);
        return f.reason() + ": " + f.message();
    }
}
