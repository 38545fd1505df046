package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowRevisionSpec;
import dev.stepwise.api.v1alpha1.WorkflowRevisionStatus;
import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.graph.Dag;
import dev.stepwise.core.workflow.PublishResult;
import dev.stepwise.core.workflow.RevisionDecision;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Creates a WorkflowRevision, owned by its Workflow, and writes its graph into its status. The Runs
 * that pin it become owners too, so deleting the Workflow lets them finish (see RevisionHolds); no
 * finalizer holds it, so nothing waits for the operator.
 */
public final class RevisionPublisher {
    private RevisionPublisher() {
    }

    public static PublishResult publish(KubernetesClient client, WorkflowResource wf, RevisionDecision.Outcome outcome, Instant now) {
        WorkflowRevision rev = new WorkflowRevision();
        rev.setMetadata(new ObjectMetaBuilder()
                .withName(outcome.name())
                .withNamespace(wf.getMetadata().getNamespace())
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGER)
                .addToLabels(Labels.WORKFLOW, Labels.truncate(wf.getMetadata().getName()))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(wf.getApiVersion()).withKind(wf.getKind())
                        .withName(wf.getMetadata().getName()).withUid(wf.getMetadata().getUid())
                        .withController(true).withBlockOwnerDeletion(true).build())
                .build());
        WorkflowRevisionSpec spec = new WorkflowRevisionSpec();
        spec.workflow = wf.getMetadata().getName();
        spec.revision = outcome.number();
        spec.hash = outcome.hash();
        spec.template = wf.getSpec();
        rev.setSpec(spec);
        WorkflowRevision created;
        try {
            try {
                created = client.resource(rev).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                created = client.resources(WorkflowRevision.class).inNamespace(wf.getMetadata().getNamespace())
                        .withName(outcome.name()).get();
                boolean ours = created != null && wf.getMetadata().getUid().equals(Labels.controllerUid(created))
                        && Objects.equals(outcome.hash(), created.getSpec().hash);
                if (!ours) {
                    return new PublishResult.Taken("revision name " + outcome.name() + " is taken by another revision; deciding again");
                }
            }
            if (created.getStatus() == null || created.getStatus().steps == null) {
                created.setStatus(graphOf(spec, created.getMetadata().getGeneration(), now));
                client.resource(created).updateStatus();
            }
            return new PublishResult.Published(created);
        } catch (KubernetesClientException e) {
            ApiErrors.Failure f = ApiErrors.of(e);
            return new PublishResult.Failed(f.reason(), f.message());
        }
    }

    static WorkflowRevisionStatus graphOf(WorkflowRevisionSpec spec, Long generation, Instant now) {
        Dag dag = Dag.of(spec.template.steps);
        WorkflowRevisionStatus status = new WorkflowRevisionStatus();
        status.steps = dag.names().size();
        List<List<String>> levels = dag.levels();
        for (int i = 0; i < levels.size(); i++) {
            WorkflowRevisionStatus.GraphLevel level = new WorkflowRevisionStatus.GraphLevel();
            level.level = i;
            for (String name : levels.get(i)) {
                level.steps.add(new WorkflowRevisionStatus.GraphNode(name, dag.parents(name)));
            }
            status.graph.add(level);
        }
        status.observedGeneration = generation;
        status.conditions = Conditions.apply(null, List.of(new Conditions.Desired("Ready", Conditions.TRUE, "Published",
                "revision " + spec.revision + " of workflow " + spec.workflow)), List.of(), generation, now);
        return status;
    }
}
