package dev.stepwise.core.start;

import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowRevision;
import dev.stepwise.core.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A retry pins the very revision object its Run ran: judged by UID, not by two clocks. */
class RetryPinningTest {

    private static WorkflowRevision revision(String uid, String created) {
        WorkflowRevision rev = Fixtures.revision("etl", 3, Fixtures.spec(Fixtures.step("a")), "wf-uid");
        rev.getMetadata().setUid(uid);
        rev.getMetadata().setCreationTimestamp(created);
        return rev;
    }

    private static RunStatus ran(String revisionUid, String startedAt) {
        RunStatus s = new RunStatus();
        s.revision = "etl-r3";
        s.revisionUid = revisionUid;
        s.startedAt = startedAt;
        return s;
    }

    /** Defect: the API server's clock one second ahead of the operator's failed a good retry. */
    @Test
    void theSameRevisionIsNotPublishedAgainWhateverTheClocksSay() {
        WorkflowRevision rev = revision("rev-uid-1", "2026-01-01T10:00:01Z");
        assertThat(RetryPinning.publishedAgain(rev, ran("rev-uid-1", "2026-01-01T10:00:00Z"))).isFalse();
    }

    @Test
    void anotherObjectUnderTheNameIsPublishedAgainEvenIfItsClockSaysEarlier() {
        WorkflowRevision rev = revision("rev-uid-2", "2026-01-01T09:00:00Z");
        assertThat(RetryPinning.publishedAgain(rev, ran("rev-uid-1", "2026-01-01T10:00:00Z"))).isTrue();
    }

    @Test
    void aRunPinnedBeforeUidsWereRecordedFallsBackToTheTimestamps() {
        assertThat(RetryPinning.publishedAgain(revision("rev-uid-2", "2026-01-01T10:05:00Z"), ran(null, "2026-01-01T10:00:00Z"))).isTrue();
        assertThat(RetryPinning.publishedAgain(revision("rev-uid-1", "2026-01-01T09:55:00Z"), ran(null, "2026-01-01T10:00:00Z"))).isFalse();
    }
}
