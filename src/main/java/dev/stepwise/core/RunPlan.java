package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.RunStatus;

import java.time.Duration;
import java.util.List;

/**
 * What the planner decided: the next status (and whether it differs from the current one, so the
 * reconciler need not compare again), Jobs to create and delete, events to record, and when to look
 * again if nothing else happens (null = only on change).
 */
public record RunPlan(RunStatus status, boolean statusChanged, List<JobToCreate> create, List<String> delete, List<RunEvent> events,
                      Duration requeueAfter) {
}
