package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.WorkflowSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static org.assertj.core.api.Assertions.assertThat;

class RevisionDecisionTest {
    private final WorkflowSpec spec = spec(step("a"));
    private final String hash = ContentHash.of(spec);

    @Test
    void theFirstRevisionIsOne() {
        assertThat(RevisionDecision.decide("etl", "uid-1", spec, List.of()))
                .isEqualTo(new RevisionDecision.Outcome("etl-r1", 1, hash, true));
    }

    @Test
    void anUnchangedSpecReusesTheNewestRevision() {
        var outcome = RevisionDecision.decide("etl", "uid-1", spec, List.of(
                new RevisionDecision.Published(1, "other", "uid-1", false),
                new RevisionDecision.Published(2, hash, "uid-1", false)));
        assertThat(outcome).isEqualTo(new RevisionDecision.Outcome("etl-r2", 2, hash, false));
    }

    @Test
    void aWorkflowCreatedAgainNeverReusesOrCollidesWithTheOldOnesRevisions() {
        // the deleted Workflow's r1..r3 linger while Runs use them; same content, other owner
        var outcome = RevisionDecision.decide("etl", "new-uid", spec, List.of(
                new RevisionDecision.Published(1, hash, "old-uid", true),
                new RevisionDecision.Published(3, hash, "old-uid", true)));
        assertThat(outcome).isEqualTo(new RevisionDecision.Outcome("etl-r4", 4, hash, true));
    }

    @Test
    void aChangedSpecCountsOnFromTheHighestNumber() {
        var outcome = RevisionDecision.decide("etl", "uid-1", spec, List.of(new RevisionDecision.Published(7, "old", "uid-1", false)));
        assertThat(outcome.name()).isEqualTo("etl-r8");
        assertThat(outcome.publish()).isTrue();
    }
}
