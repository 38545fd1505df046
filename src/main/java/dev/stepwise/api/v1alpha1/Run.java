package dev.stepwise.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalSelectableField;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One execution of one WorkflowRevision. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Run")
@Plural("runs")
@Singular("run")
@ShortNames("swrun")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "WORKFLOW", jsonPath = ".status.workflow", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PROGRESS", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "STARTED", jsonPath = ".status.startedAt", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "DURATION", jsonPath = ".status.duration", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// kubectl get runs --field-selector spec.workflowRef.name=etl (Kubernetes 1.32+), and by phase
@AdditionalSelectableField(jsonPath = ".spec.workflowRef.name")
@AdditionalSelectableField(jsonPath = ".status.phase")
public class Run extends CustomResource<RunSpec, RunStatus> implements Namespaced {

    @Override
    protected RunStatus initStatus() {
        return new RunStatus();
    }
}
