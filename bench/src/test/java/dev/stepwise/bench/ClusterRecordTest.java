package dev.stepwise.bench;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.stepwise.bench.History.status;
import static org.assertj.core.api.Assertions.assertThat;

/** What the oracle's record makes of the objects its watches deliver. */
class ClusterRecordTest {

    @Test
    void aJobIsKnownByItsLabelsAndControllerAndFinishesOnce() {
        ClusterRecord rec = new ClusterRecord();
        rec.seeJob(History.job("r1-build-2", "r1", "build", 2, null), 1_000);
        rec.seeJob(History.job("r1-build-2", "r1", "build", 2, "Failed"), 3_000);
        rec.seeJob(History.job("r1-build-2", "r1", "build", 2, "Complete"), 4_000); // a condition cannot flip back

        ClusterRecord.JobRec j = rec.jobs.get("job-uid-r1-build-2");
        assertThat(j.run).isEqualTo("r1");
        assertThat(j.runUid).isEqualTo("run-uid-r1");
        assertThat(j.step).isEqualTo("build");
        assertThat(j.attempt).isEqualTo(2);
        assertThat(j.seenMs).isEqualTo(1_000);
        assertThat(j.outcome).isEqualTo("Failed");
        assertThat(j.finishedMs).isEqualTo(3_000);
        assertThat(rec.activitySince(0)).isEqualTo(1_000);
        assertThat(rec.activitySince(1_001)).isEqualTo(-1);
    }

    @Test
    void aPodsExitCodeIsItsStepContainersAndItsDeleteKeepsIt() {
        ClusterRecord rec = new ClusterRecord();
        Pod p = History.pod("r1-build-1-a", "r1-build-1", 3);
        p.getStatus().getContainerStatuses().add(0, new ContainerStatusBuilder().withName("log-shipper")
                .withNewState().withNewTerminated().withExitCode(0).endTerminated().endState().build());
        rec.podGone(p, 2_000);

        ClusterRecord.PodRec r = rec.pods.get("pod-uid-r1-build-1-a");
        assertThat(r.exitCode).isEqualTo(3);
        assertThat(r.jobUid).isEqualTo("job-uid-r1-build-1");
        assertThat(r.job).isEqualTo("r1-build-1");
        assertThat(r.node).isEqualTo("kwok-node-0");
        assertThat(r.phase).isEqualTo("Failed");
        assertThat(r.endedMs).isEqualTo(2_000);
        assertThat(r.deleted).isTrue();
    }

    @Test
    void aRunFinishesWhenItsPhaseDoesAndAnotherRunOfItsNameIsIgnored() {
        History h = new History().run("r1", 1_000, status("Running", null)).run("r1", 2_000, status("Succeeded", null))
                .run("r1", 3_000, status("Succeeded", "again"));
        GenericKubernetesResource other = new GenericKubernetesResource();
        other.setMetadata(new ObjectMetaBuilder().withName("r1").withUid("someone-else").build());
        other.setAdditionalProperty("status", Map.of("phase", "Failed"));
        h.rec.seeRun(other, 4_000);

        ClusterRecord.RunRec r = h.rec.runs.get("r1");
        assertThat(r.uid).isEqualTo("run-uid-r1");
        assertThat(r.phase()).isEqualTo("Succeeded");
        assertThat(r.status.path("message").asText()).isEqualTo("again");
        assertThat(r.finishedMs).isEqualTo(2_000);
        assertThat(h.rec.operatorActivity).containsExactly(1_000L, 2_000L, 3_000L);
    }

    @Test
    void aStepOnALostNodeIsRetriedWhenItsStepGetsANewJob() {
        History h = new History().job("r1-build-1", "r1", "build", 1, 1_000, null, -1)
                .injectedPod("r1-build-1-a", "r1-build-1", null, 1_500, "node lost")
                .job("r1-test-1", "r1", "test", 1, 6_000, null, -1)
                .job("r1-build-2", "r1", "build", 2, 9_000, null, -1);

        assertThat(h.rec.retriedAfterNodeLoss(2_000)).isEqualTo(9_000);
        assertThat(h.rec.retriedAfterNodeLoss(9_000)).isEqualTo(-1);
    }
}
