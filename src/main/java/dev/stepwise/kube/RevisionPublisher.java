package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.api.v1alpha1.WorkflowRevisionSpec;
import dev.stepwise.api.v1alpha1.WorkflowRevisionStatus;
import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.graph.Dag;
import dev.stepwise.core.workflow.RevisionDecision;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Creates a WorkflowRevision, owned by its Workflow, and writes its graph into its status. A revision
 * is born with the finalizer {@link #IN_USE}: deleting its Workflow lets the revision go only once no
 * unfinished Run uses it (see RevisionReconciler).
 */
public final class RevisionPublisher {
    /** Held while an unfinished Run may still read the revision. */
    public static final String IN_USE = "stepwise.dev/revision-in-use";

    private RevisionPublisher() {
    }

    /** What became of a publish. */
    public sealed interface Result permits Published, Taken, Failed {
    }

    /** Created now (or found as this very content of this Workflow, published before a restart). */
    public record Published(WorkflowRevision revision) implements Result {
    }

    /** The name is another revision's (the cache lagged a publish, or another Workflow's): decide again. */
    public record Taken(String message) implements Result {
    }

    /** The API server refused: the server's reason and message, for the Workflow's status. */
    public record Failed(String reason, String message) implements Result {
    }

    public static Result publish(KubernetesClient client, WorkflowResource wf, RevisionDecision.Outcome outcome, Instant now) {
        WorkflowRevision rev = new WorkflowRevision();
        rev.setMetadata(new ObjectMetaBuilder()
                .withName(outcome.name())
                .withNamespace(wf.getMetadata().getNamespace())
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGER)
                .addToLabels(Labels.WORKFLOW, Labels.truncate(wf.getMetadata().getName()))
                .withFinalizers(IN_USE)
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
                    return new Taken("revision name " + outcome.name() + " is taken by another revision; deciding again");
                }
            }
            if (created.getStatus() == null || created.getStatus().steps == null) {
                created.setStatus(graphOf(spec, created.getMetadata().getGeneration(), now));
                client.resource(created).updateStatus();
            }
            return new Published(created);
        } catch (KubernetesClientException e) {
            ApiErrors.Failure f = ApiErrors.of(e);
            return new Failed(f.reason(), f.message());
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
