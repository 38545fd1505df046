package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.kube.Labels;
import dev.stepwise.kube.MergePatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

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

    /**
     * Labels the Run if it is not yet, and moves {@code run}'s resourceVersion to the labelled one: the
     * status write that follows is checked against it, and would otherwise fail with 409 once per Run
     * (costing a retry of the whole reconcile, a second log read and a second or more of delay).
     */
    static void ensure(KubernetesClient client, Run run) {
        if (run.getSpec() == null || run.getSpec().workflowRef == null || run.getSpec().workflowRef.name == null) {
            return;
        }
        String want = Labels.truncate(run.getSpec().workflowRef.name);
        Map<String, String> labels = run.getMetadata().getLabels();
        if (labels != null && want.equals(labels.get(Labels.WORKFLOW))) {
            return;
        }
        try {
            Run labelled = MergePatch.send(client, Run.class, run.getMetadata().getNamespace(), run.getMetadata().getName(),
                    Map.of("metadata", Map.of("labels", Map.of(Labels.WORKFLOW, want))));
            if (labelled != null && labelled.getMetadata() != null && labelled.getMetadata().getUid() != null
                    && labelled.getMetadata().getUid().equals(run.getMetadata().getUid())) {
                run.getMetadata().setResourceVersion(labelled.getMetadata().getResourceVersion());
                run.getMetadata().setLabels(labelled.getMetadata().getLabels());
            }
        } catch (KubernetesClientException e) {
            // a convenience for kubectl users: never a reason for the Run itself not to run
            var f = dev.stepwise.kube.ApiErrors.of(e);
            LOG.warnf("could not label Run %s/%s %s=%s: %s %s", run.getMetadata().getNamespace(), run.getMetadata().getName(),
                    Labels.WORKFLOW, want, f.reason(), f.message());
        }
    }
}
