package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowRevisionSpec;
import dev.stepwise.api.v1alpha1.WorkflowRevisionStatus;
import dev.stepwise.core.Conditions;
import dev.stepwise.core.Dag;
import dev.stepwise.core.RevisionDecision;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.List;

/** Creates a WorkflowRevision, owned by its Workflow, and writes its graph into its status. */
public final class RevisionPublisher {
    private RevisionPublisher() {
    }

    public static void publish(KubernetesClient client, WorkflowResource wf, RevisionDecision.Outcome outcome, Instant now) {
        WorkflowRevision rev = new WorkflowRevision();
        rev.setMetadata(new ObjectMetaBuilder()
                .withName(outcome.name())
                .withNamespace(wf.getMetadata().getNamespace())
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGER)
                .addToLabels(Labels.WORKFLOW, wf.getMetadata().getName())
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
            created = client.resource(rev).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN && String.valueOf(e.getMessage()).contains("being terminated")) {
                // the namespace is going away with the Workflow in it: nothing left to publish for
                return;
            }
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            // published before a restart: the existing one is ours
            created = client.resources(WorkflowRevision.class).inNamespace(wf.getMetadata().getNamespace())
                    .withName(outcome.name()).get();
        }
        created.setStatus(graphOf(spec, created.getMetadata().getGeneration(), now));
        client.resource(created).updateStatus();
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
