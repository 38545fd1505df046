package dev.stepwise.api.v1alpha1;

import io.fabric8.generator.annotation.Size;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How many finished Runs of a Workflow are kept, and for how long. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunHistory {

    @JsonPropertyDescription("Keep the newest N Succeeded Runs; older ones are deleted (with their Jobs). Unset: no limit.")
    @Min(0)
    public Integer successfulRunsLimit;

    @JsonPropertyDescription("Keep the newest N Failed or Cancelled Runs; older ones are deleted. Unset: no limit.")
    @Min(0)
    public Integer failedRunsLimit;

    @JsonPropertyDescription("Delete a finished Run this long after it finished, a Go-style duration. Unset: never.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String ttlAfterFinished;
}
