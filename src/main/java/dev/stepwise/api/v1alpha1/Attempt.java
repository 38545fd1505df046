package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One try of a step: one Job and its pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Attempt {

    @JsonPropertyDescription("Attempt number, from 1.")
    public Integer number;

    @JsonPropertyDescription("Name of the attempt's Job.")
    public String job;

    @JsonPropertyDescription("Name of the attempt's pod.")
    public String pod;

    @JsonPropertyDescription("When the attempt's Job was created.")
    public String startedAt;

    @JsonPropertyDescription("When the attempt ended.")
    public String finishedAt;

    @JsonPropertyDescription("Exit code of the step's container.")
    public Integer exitCode;

    @JsonPropertyDescription("Completed | Error | OOMKilled | DeadlineExceeded | Unschedulable | ImagePullBackOff | Cancelled | Disrupted | ... ; while pending, why the pod does not run.")
    public String reason;

    @JsonPropertyDescription("Details of the reason, or a note such as ignored undeclared outputs.")
    public String message;

    @JsonPropertyDescription("The end of the container's log (bounded: the tail shrinks as the Run grows).")
    public String logs;

    @JsonPropertyDescription("true = the attempt was lost to eviction or node loss and does not count against the retry limit.")
    public Boolean disrupted;

    @JsonIgnore
    public boolean isFinished() {
        return finishedAt != null;
    }

    @JsonIgnore
    public boolean lostToDisruption() {
        return disrupted != null && disrupted;
    }
}
