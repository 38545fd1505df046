package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.WorkflowResource;
import dev.stepwise.api.v1alpha1.WorkflowStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunSummaryPaceTest {
    private static final Instant T0 = Instant.parse("2026-11-26T04:00:00Z");

    private static WorkflowStatus status(int succeeded, Integer revision) {
        WorkflowStatus s = new WorkflowStatus();
        s.runCounts = Map.of("Succeeded", succeeded);
        s.revision = revision;
        return s;
    }

    @Test
    void onlyTheRunSummaryWaitsForItsTurnEverythingElseIsWrittenAtOnce() {
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName("etl").withNamespace("data").withUid("wf-" + System.nanoTime()).build());
        assertThat(RunSummaryPace.hold(wf, status(0, 1), status(1, 1), T0)).as("nothing written yet").isNull();
        RunSummaryPace.written(wf, T0);

        assertThat(RunSummaryPace.hold(wf, status(1, 1), status(2, 1), T0.plusMillis(500)))
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(RunSummaryPace.hold(wf, status(1, 1), status(2, 2), T0.plusMillis(500)))
                .as("a new revision is not held").isNull();
        assertThat(RunSummaryPace.hold(wf, status(1, 1), status(2, 1), T0.plusSeconds(2))).as("its turn").isNull();
    }
}
