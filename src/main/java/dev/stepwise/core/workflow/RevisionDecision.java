package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.WorkflowSpec;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Whether a valid Workflow spec needs a new revision. Only revisions this Workflow published (its UID
 * as their controller) can be reused; numbers count on past every revision of its name, so a Workflow
 * deleted and created again never hands out, or collides with, the revisions an unfinished Run of
 * the old one still holds.
 */
public final class RevisionDecision {
    private RevisionDecision() {
    }

    /** The revision that new Runs should use: an existing one, or one to publish. */
    public record Outcome(String name, int number, String hash, boolean publish) {
    }

    /**
     * A revision as published: its number, content hash, the UID of the Workflow that published it and
     * whether it is being deleted.
     */
    public record Published(int number, String hash, String ownerUid, boolean deleting) {
    }

    public static String nameOf(String workflow, int number) {
        return workflow + "-r" + number;
    }

    public static Outcome decide(String workflow, String workflowUid, WorkflowSpec spec, Collection<Published> existing) {
        String hash = ContentHash.of(spec);
        Optional<Published> newestOwn = existing.stream()
                .filter(r -> workflowUid == null || workflowUid.equals(r.ownerUid()))
                .max(Comparator.comparingInt(Published::number));
        if (newestOwn.isPresent() && !newestOwn.get().deleting() && hash.equals(newestOwn.get().hash())) {
            return new Outcome(nameOf(workflow, newestOwn.get().number()), newestOwn.get().number(), hash, false);
        }
        int next = existing.stream().mapToInt(Published::number).max().orElse(0) + 1;
        return new Outcome(nameOf(workflow, next), next, hash, true);
    }
}
