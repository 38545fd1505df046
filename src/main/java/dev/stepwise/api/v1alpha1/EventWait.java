package dev.stepwise.api.v1alpha1;

import io.fabric8.generator.annotation.Size;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The event a waitForEvent step waits for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EventWait {
    /** The one output a waitForEvent step has: the payload of its event. */
    public static final String PAYLOAD_OUTPUT = "payload";

    @JsonPropertyDescription("Name of the event, as delivered to the Run.")
    @Required
    @Size(max = Bounds.NAME)
    public String name;

    @JsonPropertyDescription("How long to wait before the step fails, a Go-style duration. Default: forever.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String timeout;
}
