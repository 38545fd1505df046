package dev.stepwise.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.stepwise.bench.History.attempt;
import static dev.stepwise.bench.History.status;
import static dev.stepwise.bench.History.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos oracle on small recorded histories: each defect it exists to catch, with the exact
 * finding it reports, and the look-alikes it must let pass. A bug here is a chaos run that goes
 * green while the operator lost or doubled work, so every expected line is written out.
 */
class VerdictTest {
    /** The end of every history, and the stuck threshold chaos/run uses by default (--stuck-after 180 s). */
    private static final long NOW = 10_000;
    private static final long STUCK = 180_000;

    /** Run r1 of a one-step workflow submitted at 0, its Job r1-build-1 seen at 1 s and {@code outcome} at 5 s; no pods yet. */
    private static History oneJob(String workflow, String expectedPhase, String outcome) {
        return new History().submit("r1", workflow, expectedPhase, 0).job("r1-build-1", "r1", "build", 1, 1_000, outcome, 5_000);
    }

    /** One Run of one step that ran once, exited 0, and the Run Running until its status says otherwise. */
    private static History oneStep() {
        return oneJob("one-step", "Succeeded", "Complete").run("r1", 500, status("Running", null, step("build", "Running")))
                .pod("r1-build-1-a", "r1-build-1", 0, 4_000);
    }

    /** r1's status at 6 s, a second after its Job ended: Succeeded, step build on attempt 1 with exit code 0. */
    private static History succeeded(History h) {
        return h.run("r1", 6_000, status("Succeeded", null, step("build", "Succeeded", attempt(1, "r1-build-1", 0, "Completed"))));
    }

    private static History oneStepSucceeded() {
        return succeeded(oneStep());
    }

    @Test
    void aCleanHistoryHasNoFindings() {
        Verdict v = oneStepSucceeded().judge(NOW, STUCK);

        assertThat(v.findings).isEmpty();
        assertThat(v.runsCreated).isEqualTo(1);
        assertThat(v.runsFinished).isEqualTo(1);
        assertThat(v.phases).isEqualTo(Map.of("Succeeded", 1));
        assertThat(v.jobs).isEqualTo(1);
        assertThat(v.pods).isEqualTo(1);
        assertThat(v.attempts).isEqualTo(1);
        assertThat(v.retriesAfterFailure).isZero();
        assertThat(v.runsHitByPodFaults).isZero();
        assertThat(v.jobFailedAfterExitZero).isZero();
        assertThat(v.maxFinishLagMs).isEqualTo(1_000);
        assertThat(Verdict.CATEGORIES).allMatch(c -> v.count(c) == 0);
    }

    // ---------------------------------------------------------------- lost

    @Test
    void aRunNeverSeenIsLost() {
        Verdict v = new History().submit("r1", "one-step", "Succeeded", 0).judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("lost", List.of("r1: never seen in the cluster")));
        assertThat(v.runsFinished).isZero();
    }

    @Test
    void aDeletedRunIsLostEvenIfItHadSucceeded() {
        Verdict v = oneStepSucceeded().runDeleted("r1").judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("lost", List.of("r1: deleted")));
    }

    @Test
    void aDeleteOfAnotherRunOfTheSameNameLosesNothing() {
        History h = oneStepSucceeded();
        GenericKubernetesResource other = new GenericKubernetesResource();
        other.setMetadata(new ObjectMetaBuilder().withName("r1").withUid("someone-else").build());
        h.rec.runGone(other);

        assertThat(h.judge(NOW, STUCK).findings).isEmpty();
    }

    @Test
    void aRunNeverFinishedIsLostAndStuckOnlyPastTheThreshold() {
        // last progress: its Job seen at 1 s and never finished
        History h = new History().submit("r1", "one-step", "Succeeded", 0)
                .run("r1", 500, status("Running", null, step("build", "Running", attempt(1, "r1-build-1", null, null))))
                .job("r1-build-1", "r1", "build", 1, 1_000, null, -1);

        assertThat(h.judge(100_000, STUCK).findings).isEqualTo(Map.of(
                "lost", List.of("r1: never finished (phase Running, last progress 99 s before the end)")));
        assertThat(h.judge(200_000, STUCK).findings).isEqualTo(Map.of(
                "lost", List.of("r1: never finished (phase Running, last progress 199 s before the end)"),
                "stuck", List.of("r1: not finished 199 s after its last step could have moved on")));
    }

    @Test
    void aRunWithoutStatusIsNeverFinishedWithAnEmptyPhase() {
        Verdict v = new History().submit("r1", "one-step", "Succeeded", 0).run("r1", 500, null).judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("lost", List.of("r1: never finished (phase , last progress 10 s before the end)")));
    }

    // ---------------------------------------------------------------- stuck

    @Test
    void aRunFinishedLongAfterItsLastStepIsStuck() {
        Verdict v = oneStep()
                .run("r1", 300_000, status("Succeeded", null, step("build", "Succeeded", attempt(1, "r1-build-1", 0, "Completed"))))
                .judge(310_000, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("stuck", List.of("r1: finished 295 s after its last step could have moved on")));
        assertThat(v.maxFinishLagMs).isEqualTo(295_000);
    }

    // ---------------------------------------------------------------- twice

    @Test
    void twoJobsForOneAttemptRanTwice() {
        Verdict v = oneStepSucceeded().job("r1-build-1-again", "r1", "build", 1, 2_000, "Complete", 5_500).judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of(
                "twice", List.of("run r1 step build attempt 1: 2 Jobs [r1-build-1, r1-build-1-again]"),
                "inconsistent", List.of("r1: Job r1-build-1-again (step build attempt 1) is in no attempt of the status")));
    }

    @Test
    void twoPodsForOneJobRanTwiceEvenWhenTheHarnessEvictedOne() {
        Verdict v = oneStepSucceeded().injectedPod("r1-build-1-0", "r1-build-1", null, 2_000, "evicted").judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("twice", List.of("Job r1-build-1 had 2 pods [r1-build-1-0 (evicted), r1-build-1-a]")));
        assertThat(v.runsHitByPodFaults).isEqualTo(1);
    }

    @Test
    void aJobCreatedTwicePerTheAuditLogRanTwice() {
        Verdict v = oneStepSucceeded().auditCreates("r1-build-1", 2).auditCreates("r1-deploy-1", 1).judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("twice", List.of("Job r1-build-1 created 2 times (API server audit log)")));
    }

    @Test
    void anAttemptAfterOneThatSucceededRanTwice() {
        Verdict v = oneStep().job("r1-build-2", "r1", "build", 2, 6_000, "Complete", 8_000)
                .pod("r1-build-2-a", "r1-build-2", 0, 7_000)
                .run("r1", 9_000, status("Succeeded", null, step("build", "Succeeded",
                        attempt(1, "r1-build-1", 0, "Completed"), attempt(2, "r1-build-2", 0, "Completed"))))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("twice", List.of(
                "r1 step build: attempt 1 succeeded, yet attempt 2 followed",
                "r1 step build: Job r1-build-2 after r1-build-1 completed")));
        assertThat(v.retriesAfterFailure).isZero();
    }

    @Test
    void anAttemptAfterOneThatFailedIsARetry() {
        Verdict v = new History().submit("r1", "flaky", "Succeeded", 0)
                .job("r1-build-1", "r1", "build", 1, 1_000, "Failed", 3_000)
                .pod("r1-build-1-a", "r1-build-1", 1, 2_000)
                .job("r1-build-2", "r1", "build", 2, 4_000, "Complete", 6_000)
                .pod("r1-build-2-a", "r1-build-2", 0, 5_000)
                .run("r1", 7_000, status("Succeeded", null, step("build", "Succeeded",
                        attempt(1, "r1-build-1", 1, "Error"), attempt(2, "r1-build-2", 0, "Completed"))))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEmpty();
        assertThat(v.retriesAfterFailure).isEqualTo(1);
        assertThat(v.attempts).isEqualTo(2);
    }

    // ---------------------------------------------------------------- inconsistent

    @Test
    void aSucceededRunWithAStepNotSucceededIsInconsistent() {
        Verdict v = oneStep().run("r1", 6_000, status("Succeeded", null,
                        step("build", "Succeeded", attempt(1, "r1-build-1", 0, "Completed")), step("lint", "Skipped"), step("deploy", "Running")))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("inconsistent", List.of("r1: Succeeded, but step deploy is Running")));
    }

    @Test
    void aStepSucceededWhoseJobFailedWithNoPodExitZeroIsInconsistent() {
        Verdict v = succeeded(oneJob("one-step", "Succeeded", "Failed").pod("r1-build-1-a", "r1-build-1", null, 2_000))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("inconsistent", List.of(
                "r1 step build: Succeeded, but its Job r1-build-1 is Failed and no pod of it was seen exit 0")));
        assertThat(v.jobFailedAfterExitZero).isZero();
    }

    @Test
    void aPodEvictedAsItExitedZeroFailsItsJobButTheStepIsDone() {
        Verdict v = succeeded(oneJob("one-step", "Succeeded", "Failed").injectedPod("r1-build-1-a", "r1-build-1", 0, 4_000, "evicted"))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEmpty();
        assertThat(v.jobFailedAfterExitZero).isEqualTo(1);
        assertThat(v.runsHitByPodFaults).isEqualTo(1);
    }

    @Test
    void anExitCodeInStatusOtherThanThePodsIsInconsistent() {
        Verdict v = succeeded(oneJob("one-step", "Succeeded", "Complete").pod("r1-build-1-a", "r1-build-1", 2, 4_000))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("inconsistent", List.of("r1 step build: exit code 0 in status, 2 in pod r1-build-1-a")));
    }

    @Test
    void aStatusNamingAJobTheClusterNeverShowedIsInconsistent() {
        Verdict v = new History().submit("r1", "one-step", "Succeeded", 0)
                .run("r1", 6_000, status("Succeeded", null, step("build", "Succeeded", attempt(1, "r1-build-9", 0, "Completed"))))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("inconsistent", List.of(
                "r1 step build attempt 1: names Job r1-build-9, which the cluster never showed")));
    }

    @Test
    void anAttemptRefusedBeforeItsJobExistedNamesNoJob() {
        Verdict v = new History().submit("r1", "quota", "Failed", 0)
                .run("r1", 6_000, status("Failed", "quota exceeded", step("build", "Failed", attempt(1, "", null, "Refused"))))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEmpty();
    }

    @Test
    void aFailedRunWithNoFailedStepIsInconsistent() {
        History h = oneJob("deadline", "Failed", "Complete").pod("r1-build-1-a", "r1-build-1", 0, 4_000)
                .run("r1", 6_000, status("Failed", "activeDeadlineSeconds exceeded",
                        step("build", "Succeeded", attempt(1, "r1-build-1", 0, "Completed"))));

        assertThat(h.judge(NOW, STUCK).findings).isEqualTo(Map.of("inconsistent", List.of(
                "r1: Failed, but no step Failed (activeDeadlineSeconds exceeded)")));
    }

    @Test
    void aStepFailedWhoseJobCompletedIsInconsistent() {
        Verdict v = oneJob("real-fail", "Failed", "Complete").pod("r1-build-1-a", "r1-build-1", 0, 4_000)
                .run("r1", 6_000, status("Failed", "step build failed", step("build", "Failed", attempt(1, "r1-build-1", 0, "Completed"))))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("inconsistent", List.of("r1 step build: Failed, but its Job r1-build-1 completed")));
    }

    // ---------------------------------------------------------------- unexplained

    private static History failedWhenPromisedSuccess() {
        return oneJob("one-step", "Succeeded", "Failed")
                .run("r1", 6_000, status("Failed", "step build failed: exit code 137", step("build", "Failed", attempt(1, "r1-build-1", 137, "Error"))));
    }

    @Test
    void anUnexpectedPhaseWithNoInjectedFaultIsUnexplained() {
        Verdict v = failedWhenPromisedSuccess().pod("r1-build-1-a", "r1-build-1", 137, 4_000).judge(NOW, STUCK);

        assertThat(v.findings).isEqualTo(Map.of("unexplained", List.of(
                "r1 (one-step): Failed, expected Succeeded and no fault was injected into its pods: step build failed: exit code 137")));
        assertThat(v.phases).isEqualTo(Map.of("Failed", 1));
    }

    @Test
    void anUnexpectedPhaseAfterAnInjectedPodFaultIsExplained() {
        Verdict v = failedWhenPromisedSuccess().injectedPod("r1-build-1-a", "r1-build-1", 137, 4_000, "deleted").judge(NOW, STUCK);

        assertThat(v.findings).isEmpty();
        assertThat(v.runsHitByPodFaults).isEqualTo(1);
    }

    @Test
    void anExpectedFailureIsNoFinding() {
        Verdict v = oneJob("real-fail", "Failed", "Failed").pod("r1-build-1-a", "r1-build-1", 1, 4_000)
                .run("r1", 6_000, status("Failed", "step build failed", step("build", "Failed", attempt(1, "r1-build-1", 1, "Error"))))
                .judge(NOW, STUCK);

        assertThat(v.findings).isEmpty();
    }
}
