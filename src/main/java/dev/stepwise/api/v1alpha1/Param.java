package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A workflow input. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Param {

    @JsonPropertyDescription("Name of the param, used as {{params.NAME}} and as env var PARAM_<NAME> (upper-cased, '-' to '_').")
    @Required
    @Pattern("^[a-zA-Z_][a-zA-Z0-9_-]*$")
    @Size(max = 63)
    public String name;

    @JsonPropertyDescription("Value used when the Run does not set the param.")
    @JsonProperty("default")
    public String defaultValue;

    @JsonPropertyDescription("true = a Run without this param fails at once with a message naming it.")
    public Boolean required;

    @JsonPropertyDescription("Free text describing the param.")
    public String description;

    public Param() {
    }

    public Param(String name, String defaultValue) {
        this.name = name;
        this.defaultValue = defaultValue;
    }

    public boolean requiredOrDefault() {
        return required != null && required;
    }
}
