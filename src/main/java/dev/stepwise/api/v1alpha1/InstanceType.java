package dev.stepwise.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A named, cluster-wide compute profile that steps ask for. It has no status: the operator only reads it. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("InstanceType")
@Plural("instancetypes")
@Singular("instancetype")
@ShortNames("sit")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "DEFAULT", jsonPath = ".spec.default", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "DESCRIPTION", jsonPath = ".spec.description", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class InstanceType extends CustomResource<InstanceTypeSpec, Void> {
}
