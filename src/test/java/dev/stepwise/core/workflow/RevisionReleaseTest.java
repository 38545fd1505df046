package dev.stepwise.core.workflow;

import dev.stepwise.core.Fixtures;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RevisionReleaseTest {

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

    @Test
    void aRevisionIsHeldByUnfinishedRunsThatPinnedItOrMayStillPinIt() {
        List<Run> runs = List.of(
                run("uses-it", "etl", RunPhase.Running, "etl-r2"),
                run("not-started", "etl", null, null),
                run("waiting", "etl", RunPhase.Pending, null),
                run("older", "etl", RunPhase.Running, "etl-r1"),
                run("done", "etl", RunPhase.Succeeded, "etl-r2"),
                run("other-workflow", "load", RunPhase.Running, "etl-r2"));
        assertThat(RevisionRelease.holders("etl-r2", "etl", runs)).containsExactly("not-started", "uses-it", "waiting");
    }

    @Test
    void aRevisionNoUnfinishedRunNeedsMayGo() {
        Run deleting = run("deleting", "etl", RunPhase.Running, "etl-r2");
        deleting.getMetadata().setDeletionTimestamp("2026-01-01T10:00:00Z");
        assertThat(RevisionRelease.holders("etl-r2", "etl", List.of(deleting, run("done", "etl", RunPhase.Failed, "etl-r2")))).isEmpty();
    }
}
