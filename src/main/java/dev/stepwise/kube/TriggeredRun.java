package dev.stepwise.kube;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunSpec;
import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.core.run.RunLifecycle;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Run the operator starts itself (a schedule's slot, a webhook call): in the Workflow's namespace,
 * labelled with its workflow and with what started it (status.trigger), with the given params. The
 * caller names it.
 */
public final class TriggeredRun {
    private TriggeredRun() {
    }

    public static Run of(WorkflowResource wf, String trigger, Map<String, String> params) {
        String workflow = wf.getMetadata().getName();
        Run run = new Run();
        run.setMetadata(new ObjectMetaBuilder()
                .withNamespace(wf.getMetadata().getNamespace())
                .addToLabels(Labels.WORKFLOW, Labels.truncate(workflow))
                .addToLabels(RunLifecycle.TRIGGER_LABEL, trigger)
                .build());
        RunSpec spec = new RunSpec();
        spec.workflowRef = new RunSpec.WorkflowRef(workflow, null);
        spec.params = new LinkedHashMap<>(params);
        run.setSpec(spec);
        return run;
    }
}
