package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceTypeSpec {

    @JsonPropertyDescription("Free text, e.g. '4 CPU, 16 GiB'.")
    public String description;

    @JsonPropertyDescription("true = used by steps that name no InstanceType. Exactly one should be the default.")
    @JsonProperty("default")
    public Boolean isDefault;

    @JsonPropertyDescription("core/v1 ResourceRequirements given to the step's container; the step's resources override per key.")
    public ResourceRequirements resources;

    @JsonPropertyDescription("Node selector of the step's pod.")
    public Map<String, String> nodeSelector = new LinkedHashMap<>();

    @JsonPropertyDescription("Tolerations of the step's pod.")
    public List<Toleration> tolerations = new ArrayList<>();

    @JsonIgnore
    public boolean isDefaultType() {
        return isDefault != null && isDefault;
    }
}
