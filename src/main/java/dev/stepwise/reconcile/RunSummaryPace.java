package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import dev.stepwise.core.status.StatusCopy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Paces the Workflow status writes that only move its Run summary (lastRun, runCounts): at most one
 * every {@link #EVERY} per Workflow: many Runs ending close together would otherwise each write it,
 * most of those writes losing to the one before (409); the summary is for people and dashboards and
 * may be a second late. Everything else a Workflow shows (readiness, revision, schedules) is
 * written at once.
 */
final class RunSummaryPace {
    static final Duration EVERY = Duration.ofSeconds(2);
    private static final Map<String, Instant> LAST = new ConcurrentHashMap<>();

    private RunSummaryPace() {
    }

    /** How long to hold a write that only changes the Run summary, or null to write now. */
    static Duration hold(WorkflowResource wf, WorkflowStatus old, WorkflowStatus next, Instant now) {
        WorkflowStatus withOldSummary = StatusCopy.copy(next, WorkflowStatus.class);
        withOldSummary.lastRun = old.lastRun;
        withOldSummary.runCounts = old.runCounts;
        if (!StatusCopy.same(old, withOldSummary)) {
            return null;
        }
        Instant last = LAST.get(key(wf));
        if (last == null || !now.isBefore(last.plus(EVERY))) {
            return null;
        }
        return Duration.between(now, last.plus(EVERY));
    }

    static void written(WorkflowResource wf, Instant now) {
        // a write older than EVERY holds nothing back: forgetting it keeps the map to the Workflows
        // written in the last two seconds (deleted Workflows included)
        LAST.values().removeIf(t -> !now.isBefore(t.plus(EVERY)));
        LAST.put(key(wf), now);
    }

    /** Workflows remembered (for tests). */
    static int remembered() {
        return LAST.size();
    }

    private static String key(WorkflowResource wf) {
        return wf.getMetadata().getUid();
    }
}
