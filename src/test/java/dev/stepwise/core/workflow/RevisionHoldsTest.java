package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.Fixtures;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RevisionHoldsTest {

    private static Run run(String name, String workflow, RunPhase phase, String revision) {
        Run r = Fixtures.run(name, 1, Map.of());
        r.getSpec().workflowRef.name = workflow;
        if (phase != null) {
            RunStatus s = new RunStatus();
            s.phase = phase;
            s.revision = revision;
            r.setStatus(s);
        }
        return r;
    }

    private static OwnerReference ref(String uid) {
        return new OwnerReferenceBuilder().withApiVersion("stepwise.dev/v1alpha1").withKind("Run").withName(uid).withUid(uid).build();
    }

    private static WorkflowRevision revisionOwnedBy(String... runUids) {
        WorkflowRevision rev = Fixtures.revision("etl", 2, Fixtures.spec(Fixtures.step("a")), "wf-uid");
        for (String uid : runUids) {
            rev.getMetadata().getOwnerReferences().add(ref(uid));
        }
        return rev;
    }

    @Test
    void anUnfinishedPinnedRunHoldsItsRevisionAFinishedOrDeletedOneDoesNot() {
        Run running = run("a", "etl", RunPhase.Running, "etl-r2");
        assertThat(RevisionHolds.holds(running, running.getStatus())).isTrue();
        assertThat(RevisionHolds.holds(running, run("a", "etl", RunPhase.Pending, "etl-r2").getStatus())).isTrue();
        assertThat(RevisionHolds.holds(running, run("a", "etl", RunPhase.Succeeded, "etl-r2").getStatus())).isFalse();
        assertThat(RevisionHolds.holds(running, run("a", "etl", RunPhase.Running, null).getStatus())).isFalse();
        running.getMetadata().setDeletionTimestamp("2026-01-01T10:00:00Z");
        assertThat(RevisionHolds.holds(running, running.getStatus())).isFalse();
    }

    @Test
    void holdingAddsOneRunReferenceAndKeepsEveryOtherOwner() {
        List<OwnerReference> current = revisionOwnedBy("run-1").getMetadata().getOwnerReferences();
        List<OwnerReference> wanted = RevisionHolds.owners(current, ref("run-2"), true).orElseThrow();
        assertThat(wanted).extracting(OwnerReference::getUid).containsExactly("wf-uid", "run-1", "run-2");
        assertThat(RevisionHolds.owners(wanted, ref("run-2"), true)).as("held already: no patch").isEmpty();
    }

    @Test
    void lettingGoRemovesOnlyThatRun() {
        List<OwnerReference> current = revisionOwnedBy("run-1", "run-2").getMetadata().getOwnerReferences();
        assertThat(RevisionHolds.owners(current, ref("run-1"), false).orElseThrow())
                .extracting(OwnerReference::getUid).containsExactly("wf-uid", "run-2");
        assertThat(RevisionHolds.owners(current, ref("run-3"), false)).as("never held: no patch").isEmpty();
        assertThat(RevisionHolds.owners(null, ref("run-3"), true).orElseThrow()).extracting(OwnerReference::getUid).containsExactly("run-3");
    }

    @Test
    void unheldPinsAreUnfinishedRunsOfTheRevisionThatAreNotOwnersYet() {
        WorkflowRevision rev = revisionOwnedBy("run-uid-owner");
        List<Run> runs = List.of(
                run("owner", "etl", RunPhase.Running, "etl-r2"),
                run("not-yet", "etl", RunPhase.Running, "etl-r2"),
                run("other-revision", "etl", RunPhase.Running, "etl-r1"),
                run("done", "etl", RunPhase.Succeeded, "etl-r2"),
                run("unpinned", "etl", null, null));
        assertThat(RevisionHolds.unheldPins(rev, runs)).containsExactly("not-yet");
    }

    @Test
    void aRevisionWithNoOwnerLeftIsOrphanedUnlessAlreadyBeingDeleted() {
        WorkflowRevision rev = revisionOwnedBy();
        assertThat(RevisionHolds.orphaned(rev)).isFalse();
        rev.getMetadata().setOwnerReferences(new ArrayList<>());
        assertThat(RevisionHolds.orphaned(rev)).isTrue();
        rev.getMetadata().setDeletionTimestamp("2026-01-01T10:00:00Z");
        assertThat(RevisionHolds.orphaned(rev)).isFalse();
    }

    @Test
    void aLegacyRevisionBeingDeletedIsHeldByUnfinishedRunsThatPinnedItOrMayStillPinIt() {
        List<Run> runs = List.of(
                run("uses-it", "etl", RunPhase.Running, "etl-r2"),
                run("not-started", "etl", null, null),
                run("waiting", "etl", RunPhase.Pending, null),
                run("older", "etl", RunPhase.Running, "etl-r1"),
                run("done", "etl", RunPhase.Succeeded, "etl-r2"),
                run("other-workflow", "load", RunPhase.Running, "etl-r2"));
        assertThat(RevisionHolds.legacyHolders("etl-r2", "etl", runs)).containsExactly("not-started", "uses-it", "waiting");
    }

    @Test
    void aLegacyRevisionNoUnfinishedRunNeedsMayGo() {
        Run deleting = run("deleting", "etl", RunPhase.Running, "etl-r2");
        deleting.getMetadata().setDeletionTimestamp("2026-01-01T10:00:00Z");
        assertThat(RevisionHolds.legacyHolders("etl-r2", "etl", List.of(deleting, run("done", "etl", RunPhase.Failed, "etl-r2")))).isEmpty();
    }
}
