package dev.stepwise.api.v1alpha1;

import io.fabric8.generator.annotation.Size;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Values applied to every step that does not set the field itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepDefaults {

    @JsonPropertyDescription("Container image of steps that name none.")
    @Size(max = Bounds.IMAGE)
    public String image;

    @JsonPropertyDescription("InstanceType of steps that name none.")
    @Size(max = Bounds.NAME)
    public String instanceType;

    @JsonPropertyDescription("Run-time limit of one attempt, a Go-style duration.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String timeout;

    @JsonPropertyDescription("Limit on the time an attempt's pod may stay pending, a Go-style duration.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String pendingTimeout;

    @JsonPropertyDescription("Retry policy of steps that set none.")
    public RetryPolicy retry;
}
