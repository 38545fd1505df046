package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.kube.Labels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.Map;

/**
 * Labels every Run {@code stepwise.dev/workflow: <workflow>} (SPEC: {@code kubectl get runs -l
 * stepwise.dev/workflow=etl}), once, when a user did not. A merge patch of that one label: it
 * never touches the user's other labels, and never bumps the Run's generation.
 */
final class WorkflowLabel {
    private static final Logger LOG = Logger.getLogger(WorkflowLabel.class);
    private WorkflowLabel() {
    }

    static void ensure(KubernetesClient client, Run run) {
        if (run.getSpec() == null || run.getSpec().workflowRef == null || run.getSpec().workflowRef.name == null) {
            return;
        }
        String want = Labels.truncate(run.getSpec().workflowRef.name);
        Map<String, String> labels = run.getMetadata().getLabels();
        if (labels != null && want.equals(labels.get(Labels.WORKFLOW))) {
            return;
        }
        String patch = "{\"metadata\":{\"labels\":{\"" + Labels.WORKFLOW + "\":\"" + want + "\"}}}";
        try {
            client.resources(Run.class).inNamespace(run.getMetadata().getNamespace()).withName(run.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            // a convenience for kubectl users: never a reason for the Run itself not to run
            var f = dev.stepwise.kube.ApiErrors.of(e);
            LOG.warnf("could not label Run %s/%s %s=%s: %s %s", run.getMetadata().getNamespace(), run.getMetadata().getName(),
                    Labels.WORKFLOW, want, f.reason(), f.message());
        }
        // the informer brings the labelled Run; this reconcile goes on with what it has
    }
}
