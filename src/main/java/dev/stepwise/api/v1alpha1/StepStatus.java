package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What happened to one step of a Run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepStatus {

    @JsonPropertyDescription("Step name.")
    public String name;

    @JsonPropertyDescription("Pending | Waiting | Running | Succeeded | Failed | Skipped | Cancelled.")
    public StepPhase phase;

    @JsonPropertyDescription("true when taken over from the Run in spec.retryOf (with its outputs) instead of run again.")
    public Boolean reused;

    @JsonPropertyDescription("When the first attempt started.")
    public String startedAt;

    @JsonPropertyDescription("When the step finished.")
    public String finishedAt;

    @JsonPropertyDescription("Outputs the step wrote ([REDACTED] for sensitive steps).")
    public Map<String, String> outputs = new LinkedHashMap<>();

    @JsonPropertyDescription("When the next attempt starts, while the step waits out a retry backoff.")
    public String nextRetryAt;

    @JsonPropertyDescription("Why the step is in its phase (skipped because..., failed because...).")
    public String message;

    @JsonPropertyDescription("Every attempt, oldest first.")
    public List<Attempt> attempts = new ArrayList<>();

    public StepStatus() {
    }

    public StepStatus(String name, StepPhase phase) {
        this.name = name;
        this.phase = phase;
    }
}
