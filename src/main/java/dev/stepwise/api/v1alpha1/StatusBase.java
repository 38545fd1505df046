package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** What every status of the API carries: the generation it describes and standard conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class StatusBase {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Standard conditions (type, status, reason, message, lastTransitionTime, observedGeneration).")
    public List<Condition> conditions = new ArrayList<>();
}
