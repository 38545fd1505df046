package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

import java.util.ArrayList;
import java.util.List;

/** When and how often a failed step is tried again. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetryPolicy {

    @JsonPropertyDescription("How many retries after the first attempt (0 = none). Attempts lost to eviction or node loss do not count.")
    @Min(0)
    @Max(100)
    public Integer limit;

    @JsonPropertyDescription("constant (delay), linear (delay x n) or exponential (delay x 2^(n-1)), capped by maxDelay.")
    public Backoff backoff;

    @JsonPropertyDescription("Base delay before a retry, a Go-style duration such as 10s or 1m30s. Default 10s.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String delay;

    @JsonPropertyDescription("Upper bound of the delay between attempts, a Go-style duration. Default: none.")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String maxDelay;

    @JsonPropertyDescription("Retry only when the attempt's exit code is one of these; empty = any failure is retried.")
    @Size(max = 64)
    public List<Integer> onExitCodes = new ArrayList<>();

    public enum Backoff {
        constant, linear, exponential
    }
}
