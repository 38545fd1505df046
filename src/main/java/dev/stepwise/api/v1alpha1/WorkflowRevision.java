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

/** An immutable snapshot of a Workflow's spec, created by the operator and pinned by Runs. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("WorkflowRevision")
@Plural("workflowrevisions")
@Singular("workflowrevision")
@ShortNames("swrev")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "WORKFLOW", jsonPath = ".spec.workflow", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "REVISION", jsonPath = ".spec.revision", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "STEPS", jsonPath = ".status.steps", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class WorkflowRevision extends CustomResource<WorkflowRevisionSpec, WorkflowRevisionStatus> implements Namespaced {
}
