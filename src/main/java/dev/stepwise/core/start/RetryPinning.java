package dev.stepwise.core.start;

import dev.stepwise.core.time.Times;
import dev.stepwise.core.workflow.RevisionDecision;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowRevision;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides what a retry (spec.retryOf) pins: the revision and params of the finished Run it retries,
 * its own params overriding key by key. A retry of a Run that is missing, still running, of another
 * workflow, or whose revision is gone or was published again since, fails at once saying so.
 */
public final class RetryPinning {
    private RetryPinning() {
    }

    public static RevisionPinning.Result decide(Run run, OtherRuns runs, Function<String, Optional<WorkflowRevision>> revisions) {
        String name = run.getSpec().retryOf;
        String workflow = run.getSpec().workflowRef.name;
        if (name.equals(run.getMetadata().getName())) {
            return fail("retryOf names this Run itself");
        }
        Optional<Run> found = runs.get(name);
        if (found.isEmpty()) {
            return fail("retryOf: run '" + name + "' not found");
        }
        Run original = found.get();
        RunStatus s = original.getStatus();
        if (s == null || s.phase == null || !s.phase.isFinished()) {
            return fail("retryOf: run '" + name + "' has not finished (phase " + (s == null || s.phase == null ? "Pending" : s.phase)
                    + "); retry it once it has finished");
        }
        if (!workflow.equals(s.workflow)) {
            return fail("retryOf: run '" + name + "' is a Run of workflow '" + s.workflow + "', not of '" + workflow + "'");
        }
        if (s.revision == null) {
            return fail("retryOf: run '" + name + "' ended before it started any step (" + s.message + "): start a new Run instead");
        }
        Integer wanted = run.getSpec().workflowRef.revision;
        if (wanted != null && !RevisionDecision.nameOf(workflow, wanted).equals(s.revision)) {
            return fail("retryOf: run '" + name + "' ran revision '" + s.revision + "', not revision " + wanted);
        }
        Optional<WorkflowRevision> revision = revisions.apply(s.revision)
                .filter(r -> r.getMetadata().getDeletionTimestamp() == null);
        if (revision.isEmpty()) {
            return fail("retryOf: revision '" + s.revision + "' that run '" + name + "' ran no longer exists");
        }
        if (publishedAgain(revision.get(), s)) {
            // a Workflow deleted and re-created publishes its numbers again: same name, other content
            return fail("retryOf: revision '" + s.revision + "' was published again after run '" + name
                    + "' ran (its Workflow was re-created), so it no longer holds what that Run ran");
        }
        Map<String, String> params = new LinkedHashMap<>(s.params == null ? Map.of() : s.params);
        if (run.getSpec().params != null) {
            params.putAll(run.getSpec().params);
        }
        return RevisionPinning.pin(run, revision.get(), params, original);
    }

    /**
     * Whether the revision of this name is another object than the one the Run pinned: by UID, which
     * no clock can get wrong. Runs pinned before the UID was recorded fall back to comparing the
     * revision's creation (API server clock) with the Run's start (operator clock), which a skew
     * between the two can fool.
     */
    static boolean publishedAgain(WorkflowRevision revision, RunStatus ran) {
        if (ran.revisionUid != null) {
            return !ran.revisionUid.equals(revision.getMetadata().getUid());
        }
        Instant published = Times.parse(revision.getMetadata().getCreationTimestamp());
        Instant started = Times.parse(ran.startedAt);
        return published != null && started != null && published.isAfter(started);
    }

    private static RevisionPinning.Result fail(String message) {
        return new RevisionPinning.Fail(message);
    }
}
