package dev.stepwise.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;
import java.util.Map;

/** What the operator knows of a Workflow: its published revision and its last Run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkflowStatus extends StatusBase {

    @JsonPropertyDescription("Name of the WorkflowRevision that new Runs use.")
    public String currentRevision;

    @JsonPropertyDescription("Number of the current revision (counts up from 1).")
    public Integer revision;

    @JsonPropertyDescription("The most recently started Run of this workflow.")
    public RunSummary lastRun;

    @JsonPropertyDescription("When the next scheduled Run starts (the earliest of all schedules).")
    public String nextScheduleTime;

    @JsonPropertyDescription("When the latest scheduled Run was due.")
    public String lastScheduleTime;

    @JsonPropertyDescription("Runs of this workflow by phase.")
    public Map<String, Integer> runCounts;

    @JsonPropertyDescription("Bookkeeping of each schedule: since when it counts, its last slot, how many slots it skipped.")
    public List<ScheduleStatus> schedules;

    /** Where one schedule stands. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ScheduleStatus {
        @JsonPropertyDescription("The schedule's cron expression and time zone, as cron@zone.")
        public String schedule;
        @JsonPropertyDescription("When the operator first saw the schedule (or saw the workflow active again): earlier slots never start.")
        public String since;
        @JsonPropertyDescription("The latest slot that was due.")
        public String lastScheduleTime;
        @JsonPropertyDescription("The next slot.")
        public String nextScheduleTime;
        @JsonPropertyDescription("Slots skipped because they were missed beyond startingDeadline (the operator was down).")
        public Integer missed;
        @JsonPropertyDescription("Slots skipped because a Run of the workflow was still running (concurrencyPolicy Forbid).")
        public Integer forbidden;
    }

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
