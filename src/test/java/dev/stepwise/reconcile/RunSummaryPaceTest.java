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
        WorkflowResource wf = workflow("etl");
        assertThat(RunSummaryPace.hold(wf, status(0, 1), status(1, 1), T0)).as("nothing written yet").isNull();
        RunSummaryPace.written(wf, T0);

        assertThat(RunSummaryPace.hold(wf, status(1, 1), status(2, 1), T0.plusMillis(500)))
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(RunSummaryPace.hold(wf, status(1, 1), status(2, 2), T0.plusMillis(500)))
                .as("a new revision is not held").isNull();
        assertThat(RunSummaryPace.hold(wf, status(1, 1), status(2, 1), T0.plusSeconds(2))).as("its turn").isNull();
    }

    @Test
    void forgetsWorkflowsNotWrittenForTwoSeconds() {
        Instant later = T0.plus(Duration.ofDays(3650)); // after anything another test in this JVM wrote
        for (int i = 0; i < 100; i++) {
            RunSummaryPace.written(workflow("gone-" + i), later);
        }
        WorkflowResource wf = workflow("still-here");
        RunSummaryPace.written(wf, later.plusSeconds(2));
        assertThat(RunSummaryPace.remembered()).as("the 100 written two seconds before are forgotten").isEqualTo(1);
        assertThat(RunSummaryPace.hold(wf, status(1, 1), status(2, 1), later.plusSeconds(3))).isEqualTo(Duration.ofSeconds(1));
    }

    private static WorkflowResource workflow(String name) {
        WorkflowResource wf = new WorkflowResource();
        wf.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("data").withUid(name + "-" + System.nanoTime()).build());
        return wf;
    }
}
