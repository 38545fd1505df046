package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What happened in a Run: phase, every step and every attempt. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunStatus extends StatusBase {

    @JsonPropertyDescription("Pending | Queued | Running | Suspended | Succeeded | Failed | Cancelled.")
    public RunPhase phase;

    @JsonPropertyDescription("Name of the Workflow.")
    public String workflow;

    @JsonPropertyDescription("Name of the pinned WorkflowRevision.")
    public String revision;

    @JsonPropertyDescription("UID of the pinned WorkflowRevision: a retry pins the very object this Run ran, never one published again under its name.")
    public String revisionUid;

    @JsonPropertyDescription("What started the Run: manual | schedule | retry | webhook.")
    public String trigger;

    @JsonPropertyDescription("Finished steps / all steps.")
    public String progress;

    @JsonPropertyDescription("When the Run started.")
    public String startedAt;

    @JsonPropertyDescription("When the Run finished.")
    public String finishedAt;

    @JsonPropertyDescription("Run time so far or in all, e.g. 4m12s.")
    public String duration;

    @JsonPropertyDescription("Why the Run is in its phase, e.g. the failed step and its exit code.")
    public String message;

    @JsonPropertyDescription("Resolved params, defaults applied.")
    public Map<String, String> params = new LinkedHashMap<>();

    @JsonPropertyDescription("The Run this one retries (spec.retryOf), once it was taken over.")
    public String retryOf;

    @JsonPropertyDescription("Events delivered to the Run, first delivery of each name; kept even when spec.events no longer lists them.")
    public List<DeliveredEvent> events;

    @JsonPropertyDescription("The workflow's notifications about this Run: sent, being retried, or given up.")
    public List<NotificationStatus> notifications;

    @JsonPropertyDescription("One entry per step, in the workflow's order.")
    public List<StepStatus> steps = new ArrayList<>();

    /** An event as the Run received it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class DeliveredEvent {
        @JsonPropertyDescription("Name of the event.")
        public String name;

        @JsonPropertyDescription("Its payload.")
        public String payload;

        @JsonPropertyDescription("When the operator first saw it.")
        public String deliveredAt;

        public DeliveredEvent() {
        }

        public DeliveredEvent(String name, String payload, String deliveredAt) {
            this.name = name;
            this.payload = payload;
            this.deliveredAt = deliveredAt;
        }
    }
}
