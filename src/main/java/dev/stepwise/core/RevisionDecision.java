package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.WorkflowRevisionSpec;
import dev.stepwise.api.v1alpha1.WorkflowSpec;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Whether a valid Workflow spec needs a new revision, compared with the newest published one. */
public final class RevisionDecision {
    private RevisionDecision() {
    }

    /** The revision that new Runs should use: an existing one, or one to publish. */
    public record Outcome(String name, int number, String hash, boolean publish) {
    }

    public static String nameOf(String workflow, int number) {
        return workflow + "-r" + number;
    }

    public static Outcome decide(String workflow, WorkflowSpec spec, Collection<WorkflowRevisionSpec> existing) {
        String hash = ContentHash.of(spec);
        Optional<WorkflowRevisionSpec> newest = existing.stream().filter(r -> r.revision != null)
                .max(Comparator.comparing(r -> r.revision));
        if (newest.isPresent() && hash.equals(newest.get().hash)) {
            return new Outcome(nameOf(workflow, newest.get().revision), newest.get().revision, hash, false);
        }
        int next = newest.map(r -> r.revision + 1).orElse(1);
        return new Outcome(nameOf(workflow, next), next, hash, true);
    }
}
