package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.List;

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
    @Size(max = Param.MAX_VALUE_LENGTH)
    public String defaultValue;

    @JsonPropertyDescription("true = a Run without this param fails at once with a message naming it.")
    public Boolean required;

    @JsonPropertyDescription("Free text describing the param.")
    @Size(max = 1024)
    public String description;

    @JsonPropertyDescription("The only values the param may take, from any trigger; any other value fails the Run before any Job.")
    @JsonProperty("enum")
    @Size(min = 1, max = 100)
    public List<@Size(max = Param.MAX_VALUE_LENGTH) String> allowed;

    @JsonPropertyDescription("An RE2 regular expression the whole value must match, from any trigger (e.g. ^[a-z_]+$); "
            + "any other value fails the Run before any Job.")
    @Size(max = 1024)
    public String pattern;

    @JsonPropertyDescription("Most characters a value may have, from any trigger; a longer one fails the Run before any Job. "
            + "No Run value is ever longer than 4096.")
    @Min(0)
    @Max(Param.MAX_VALUE_LENGTH)
    public Integer maxLength;

    /** Most characters of any param value, from any trigger (the Run CRD states it too). */
    public static final int MAX_VALUE_LENGTH = 4096;

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
