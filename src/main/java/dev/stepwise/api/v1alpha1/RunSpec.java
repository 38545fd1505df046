package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunSpec {

    @JsonPropertyDescription("The workflow to run and, optionally, which revision of it.")
    @Required
    @ValidationRule(value = "self == oldSelf", message = "workflowRef is immutable")
    public WorkflowRef workflowRef;

    @JsonPropertyDescription("Param values; workflow defaults fill in the rest.")
    @ValidationRule(value = "self == oldSelf", message = "params are immutable")
    @Size(max = 100)
    public Map<String, @Size(max = Param.MAX_VALUE_LENGTH) String> params = new LinkedHashMap<>();

    @JsonPropertyDescription("Extra environment variables for single steps, by step name: {extract: {LIMIT: \"10\"}}. "
            + "They come last, so they override the step's own env.")
    @ValidationRule(value = "self == oldSelf", message = "stepParams are immutable")
    @Size(max = 500)
    public Map<String, @Size(max = Bounds.ARGS) Map<String, @Size(max = Param.MAX_VALUE_LENGTH) String>> stepParams;

    @JsonPropertyDescription("Run only these steps (and, withDownstream, everything below them); the rest are Skipped.")
    @Size(max = 500)
    @ValidationRule(value = "self == oldSelf", message = "stepsToRun is immutable")
    public List<StepSelector> stepsToRun;

    @JsonPropertyDescription("Name of a finished Run of the same workflow to retry: its revision and params are reused "
            + "(params set here override them key by key).")
    @ValidationRule(value = "self == oldSelf", message = "retryOf is immutable")
    @Size(max = Bounds.NAME)
    @Pattern(Bounds.NAME_PATTERN)
    public String retryOf;

    @JsonPropertyDescription("With retryOf: FailedOnly (default) reuses the steps that Succeeded and their outputs; All runs every step again.")
    @ValidationRule(value = "self == oldSelf", message = "retryMode is immutable")
    public RetryMode retryMode;

    @JsonPropertyDescription("Higher starts first when the workflow's maxConcurrentRuns holds Runs as Queued.")
    @Min(-1000)
    @Max(1000)
    public Integer priority;

    @JsonPropertyDescription("true = start no new steps (running ones finish; the Run is Suspended once none runs); "
            + "false resumes where it stopped. Timers keep running while suspended.")
    public Boolean suspend;

    @JsonPropertyDescription("true = stop running Jobs and finish as Cancelled. Idempotent.")
    public Boolean cancel;

    @JsonPropertyDescription("Time limit of the whole Run from its start, a Go-style duration; overrides the workflow's "
            + "timeout. Past it, running Jobs stop and the Run fails (DeadlineExceeded).")
    @Pattern(Durations.PATTERN)
    @Size(max = Durations.MAX_LENGTH)
    public String timeout;

    @JsonPropertyDescription("Events delivered to waitForEvent steps. Once delivered they are recorded in status.events, "
            + "so removing one here never takes it back.")
    @Size(max = 50)
    public List<EventDelivery> events;

    @JsonIgnore
    public boolean cancelRequested() {
        return cancel != null && cancel;
    }

    @JsonIgnore
    public boolean suspendRequested() {
        return suspend != null && suspend;
    }

    @JsonIgnore
    public RetryMode retryModeOrDefault() {
        return retryMode == null ? RetryMode.FailedOnly : retryMode;
    }

    /** What a retry takes over from the Run it retries. */
    public enum RetryMode { FailedOnly, All }

    /** One entry of stepsToRun. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class StepSelector {
        @JsonPropertyDescription("Name of a step of the workflow.")
        @Required
        @Size(max = Bounds.LABEL)
        public String name;

        @JsonPropertyDescription("true = also run every step that depends on it, directly or not.")
        public Boolean withDownstream;

        public StepSelector() {
        }

        public StepSelector(String name, boolean withDownstream) {
            this.name = name;
            this.withDownstream = withDownstream;
        }

        @JsonIgnore
        public boolean downstream() {
            return withDownstream != null && withDownstream;
        }
    }

    /** An event sent to the Run, e.g. an approval. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EventDelivery {
        @JsonPropertyDescription("Name of the event; a waitForEvent step whose event.name matches completes.")
        @Required
        @Size(min = 1, max = 253)
        public String name;

        @JsonPropertyDescription("Free text; becomes the step's output 'payload'.")
        @Size(max = 4096)
        public String payload;

        public EventDelivery() {
        }

        public EventDelivery(String name, String payload) {
            this.name = name;
            this.payload = payload;
        }
    }

    /** A reference to a Workflow and optionally one of its revisions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class WorkflowRef {
        @JsonPropertyDescription("Name of the Workflow, in the Run's namespace.")
        @Required
        @Size(max = Bounds.NAME)
        @Pattern(Bounds.NAME_PATTERN)
        public String name;

        @JsonPropertyDescription("Revision number to run. Default: the Workflow's current revision when the Run starts.")
        @Min(1)
        public Integer revision;

        public WorkflowRef() {
        }

        public WorkflowRef(String name, Integer revision) {
            this.name = name;
            this.revision = revision;
        }
    }
}
