package dev.stepwise.core.run;

import dev.stepwise.core.run.steps.JobToCreate;

import dev.stepwise.api.v1alpha1.RunStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the core decided for a Run: the next status (and whether it differs from the current one),
 * Jobs to create and delete, sensitive outputs to store, events to record, and when to look again
 * if nothing else happens (null = only on change).
 *
 * @param storeOutputs sensitive outputs to keep in the Run's Secret, by step (what is there stays)
 */
public record RunPlan(RunStatus status, boolean statusChanged, List<JobToCreate> create, List<String> delete,
                      Map<String, Map<String, String>> storeOutputs, List<RunEvent> events, Duration requeueAfter,
                      List<String> cancelRuns, List<NotificationToSend> notifications) {

    public RunPlan(RunStatus status, boolean statusChanged, List<JobToCreate> create, List<String> delete,
                   Map<String, Map<String, String>> storeOutputs, List<RunEvent> events, Duration requeueAfter) {
        this(status, statusChanged, create, delete, storeOutputs, events, requeueAfter, List.of(), List.of());
    }

    public RunPlan(RunStatus status, boolean statusChanged, List<JobToCreate> create, List<String> delete,
                   Map<String, Map<String, String>> storeOutputs, List<RunEvent> events, Duration requeueAfter,
                   List<String> cancelRuns) {
        this(status, statusChanged, create, delete, storeOutputs, events, requeueAfter, cancelRuns, List.of());
    }

    /** The same plan with the notifications' part decided: another status, more events, what to send, an earlier look. */
    RunPlan withNotifications(RunStatus s, boolean changed, List<RunEvent> allEvents, List<NotificationToSend> send,
                              Duration requeue) {
        return new RunPlan(s, statusChanged || changed, create, delete, storeOutputs, allEvents, requeue,
                cancelRuns, send);
    }

    /** A plan that only writes status (or nothing) and looks again after {@code requeue}. */
    static RunPlan statusOnly(RunStatus status, boolean changed, List<RunEvent> events, Duration requeue) {
        return new RunPlan(status, changed, List.of(), List.of(), Map.of(), events, requeue);
    }

    public boolean hasActions() {
        return !create.isEmpty() || !delete.isEmpty() || !storeOutputs.isEmpty() || !cancelRuns.isEmpty();
    }
}
