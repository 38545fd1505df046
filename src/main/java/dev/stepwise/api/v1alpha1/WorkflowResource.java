package dev.stepwise.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** The editable definition of a workflow: a DAG of steps and its params. JOSDK owns the name {@code Workflow}. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Workflow")
@Plural("workflows")
@Singular("workflow")
@ShortNames("swf")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "ACTIVE", jsonPath = ".spec.active", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "REVISION", jsonPath = ".status.revision", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "LAST RUN", jsonPath = ".status.lastRun.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "LAST PHASE", jsonPath = ".status.lastRun.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "NEXT SCHEDULE", jsonPath = ".status.nextScheduleTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class WorkflowResource extends CustomResource<WorkflowSpec, WorkflowStatus> implements Namespaced {

    @Override
    protected WorkflowStatus initStatus() {
        return new WorkflowStatus();
    }
}
