package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator knows of a Workflow: its published revision and its last Run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkflowStatus extends StatusBase {

    @JsonPropertyDescription("Name of the WorkflowRevision that new Runs use.")
    public String currentRevision;

    @JsonPropertyDescription("Number of the current revision (counts up from 1).")
    public Integer revision;

    @JsonPropertyDescription("The most recently started Run of this workflow.")
    public RunSummary lastRun;

    /** A short view of one Run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RunSummary {
        @JsonPropertyDescription("Name of the Run.")
        public String name;
        @JsonPropertyDescription("Phase of the Run.")
        public RunPhase phase;
        @JsonPropertyDescription("When the Run started.")
        public String startedAt;
        @JsonPropertyDescription("When the Run finished.")
        public String finishedAt;
    }
}
