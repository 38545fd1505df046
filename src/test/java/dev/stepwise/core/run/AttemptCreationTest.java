package dev.stepwise.core.run;

import dev.stepwise.core.Fixtures;
import dev.stepwise.core.Names;
import dev.stepwise.core.run.steps.CreateResult;
import dev.stepwise.core.run.steps.JobToCreate;
import dev.stepwise.core.run.steps.ObservedJob;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.RetryPolicy.Backoff;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static dev.stepwise.core.Fixtures.retry;
import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static dev.stepwise.core.Fixtures.withArgs;
import static dev.stepwise.core.Fixtures.withParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

/**
 * What the API server said to a Job create, as the core judges it on its second look at a reconcile:
 * refused for now (quota, webhook, throttling, an old Job still being deleted) waits and tries again
 * until the pending timeout; refused for good fails the attempt; a Job found that status never saw is
 * adopted. Also the InstanceType a Job needs, and the default pending timeout.
 */
class AttemptCreationTest {
    private static final String QUOTA = "jobs.batch \"etl-x7k2p-a-1\" is forbidden: exceeded quota: jobs, requested: count/jobs.batch=1, used: count/jobs.batch=2, limited: count/jobs.batch=2";

    /** First look plans the create; the second look, after the server's answer, decides what status says. */
    private static RunPlan refused(RunSim sim, CreateResult result) {
        RunPlan asked = sim.plan();
        String job = asked.create().get(0).name();
        sim.results = new ActionResults(Map.of(job, result), null);
        return sim.planAgain(asked);
    }

    @Test
    void aJobRefusedByQuotaWaitsShowingTheServersMessageAndIsCreatedOnceAllowed() {
        RunSim sim = new RunSim(spec(step("a"), step("b", "a")));
        RunPlan p = refused(sim, CreateResult.waiting("etl-x7k2p-a-1", "Forbidden", QUOTA));

        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(sim.step("a").message).isEqualTo("Job etl-x7k2p-a-1 not created yet: " + QUOTA);
        assertThat(sim.attempt("a", 1).job).as("no Job exists").isNull();
        assertThat(sim.attempt("a", 1).reason).isEqualTo("Forbidden");
        assertThat(sim.attempt("a", 1).message).isEqualTo(QUOTA);
        assertThat(sim.step("a").nextRetryAt).isEqualTo("2026-01-01T10:00:02Z");
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.events()).extracting(RunEvent::reason).contains("JobNotCreated");
        assertThat(sim.status.phase).isEqualTo(RunPhase.Running);

        // before the retry time: nothing is asked for
        assertThat(sim.at(Duration.ofSeconds(1)).plan().create()).isEmpty();
        // at the retry time the create is asked for again; refused again, the backoff grows with the wait
        sim.at(Duration.ofSeconds(10));
        RunPlan again = sim.plan();
        assertThat(again.create()).extracting(JobToCreate::name).containsExactly("etl-x7k2p-a-1");
        sim.results = new ActionResults(Map.of("etl-x7k2p-a-1", CreateResult.waiting("etl-x7k2p-a-1", "Forbidden", QUOTA)), null);
        RunPlan refusedAgain = sim.planAgain(again);
        assertThat(refusedAgain.requeueAfter()).as("half the 10 s waited").isEqualTo(Duration.ofSeconds(5));

        // the quota is lifted: created, and the Run goes on
        sim.at(Duration.ofSeconds(15));
        RunPlan created = sim.plan();
        assertThat(created.create()).extracting(JobToCreate::name).containsExactly("etl-x7k2p-a-1");
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.attempt("a", 1).job).isEqualTo("etl-x7k2p-a-1");
        assertThat(sim.attempt("a", 1).reason).isNull();
        assertThat(sim.step("a").message).isNull();
        sim.at(Duration.ofSeconds(20)).succeeded("a", 1, null, null);
        assertThat(sim.plan().create()).extracting(JobToCreate::stepName).containsExactly("b");
    }

    @Test
    void aJobRefusedUntilThePendingTimeoutFailsTheAttemptWithTheServersReason() {
        Step a = step("a");
        a.pendingTimeout = "1m";
        RunSim sim = new RunSim(spec(a));
        refused(sim, CreateResult.waiting("etl-x7k2p-a-1", "Forbidden", QUOTA));
        for (int s = 2; s < 60; s += 10) {
            RunPlan p = sim.at(Duration.ofSeconds(s)).plan();
            if (!p.create().isEmpty()) {
                sim.results = new ActionResults(Map.of("etl-x7k2p-a-1", CreateResult.waiting("etl-x7k2p-a-1", "Forbidden", QUOTA)), null);
                sim.planAgain(p);
            }
        }
        RunPlan last = sim.at(Duration.ofSeconds(60)).plan();

        assertThat(last.create()).isEmpty();
        assertThat(sim.attempt("a", 1).isFinished()).isTrue();
        assertThat(sim.attempt("a", 1).reason).isEqualTo("Forbidden");
        assertThat(sim.attempt("a", 1).message).isEqualTo("the Job could not be created within 1m0s: " + QUOTA);
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.status.message).startsWith("step a failed: Forbidden (the Job could not be created within 1m0s: jobs.batch");
    }

    @Test
    void withoutAPendingTimeoutTheOperatorDefaultEndsTheWait() {
        RunSim sim = new RunSim(spec(step("a")));
        sim.plan();
        // a pod that never starts, no pendingTimeout on the step: the operator's 30 minutes apply
        sim.observe(sim.active("a", 1, false, "Unschedulable", "0/3 nodes are available"));
        assertThat(sim.at(Duration.ofMinutes(10)).plan().requeueAfter()).isEqualTo(Duration.ofMinutes(20));
        RunPlan p = sim.at(Duration.ofMinutes(30)).plan();
        assertThat(p.delete()).containsExactly("etl-x7k2p-a-1");
        assertThat(sim.attempt("a", 1).reason).isEqualTo("Unschedulable");
        assertThat(sim.attempt("a", 1).message).isEqualTo("pod not running after 30m0s: 0/3 nodes are available");
    }

    /** Status writes per step (issue 19): a quick step's pod name rides along with its end instead of a write of its own. */
    @Test
    void aNewPodsNameAloneWaitsForItsEndOrTwoSecondsOfRunning() {
        RunSim sim = new RunSim(spec(step("a"), step("b")));
        sim.plan();
        sim.running("a", 1);
        RunPlan p = sim.at(Duration.ofMillis(500)).plan();
        assertThat(p.statusChanged()).as("a pod's name alone is no status write").isFalse();
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofMillis(1500));
        assertThat(sim.attempt("a", 1).pod).isNull();
        sim.succeeded("a", 1, null, "");
        sim.at(Duration.ofSeconds(1)).plan();
        assertThat(sim.attempt("a", 1).pod).as("the end brings it along").isEqualTo("etl-x7k2p-a-1-abcde");

        sim.running("b", 1);
        sim.at(Duration.ofMillis(1500)).plan();
        assertThat(sim.attempt("b", 1).pod).isNull();
        p = sim.at(Duration.ofMillis(3000)).plan();
        assertThat(p.statusChanged()).isTrue();
        assertThat(sim.attempt("b", 1).pod).as("a longer step shows its pod two seconds after its container started")
                .isEqualTo("etl-x7k2p-b-1-abcde");
    }

    @Test
    void aPodsNameWaitsForItsContainerToRunNotForTheQueueBeforeIt() {
        RunSim sim = new RunSim(spec(step("a")));
        sim.plan();
        // a busy cluster: the pod comes a second after the Job and waits for the scheduler
        sim.at(Duration.ofSeconds(1)).observe(sim.active("a", 1, false, null, null));
        RunPlan p = sim.at(Duration.ofSeconds(5)).plan();
        assertThat(p.statusChanged()).as("a pod waiting without a reason, 4 s: its name alone is no write").isFalse();
        assertThat(p.requeueAfter()).as("looked at again when it has waited 10 s").isEqualTo(Duration.ofSeconds(6));
        // its container starts at 8 s and ends at 9.5 s
        sim.at(Duration.ofSeconds(8)).running("a", 1);
        p = sim.at(Duration.ofSeconds(9)).plan();
        assertThat(p.statusChanged()).as("running for 1 s: still no write").isFalse();
        sim.at(Duration.ofMillis(9500)).succeeded("a", 1, null, "");
        p = sim.plan();
        assertThat(p.statusChanged()).isTrue();
        assertThat(sim.attempt("a", 1).pod).as("the end brings it along").isEqualTo("etl-x7k2p-a-1-abcde");
    }

    @Test
    void aPodThatWaitsTenSecondsToStartShowsItsName() {
        RunSim sim = new RunSim(spec(step("a")));
        sim.plan();
        sim.observe(sim.active("a", 1, false, null, null));
        assertThat(sim.at(Duration.ofSeconds(9)).plan().statusChanged()).isFalse();
        RunPlan p = sim.at(Duration.ofSeconds(10)).plan();
        assertThat(p.statusChanged()).isTrue();
        assertThat(sim.attempt("a", 1).pod).as("kubectl describe can find it now").isEqualTo("etl-x7k2p-a-1-abcde");
    }

    @Test
    void aPodTheJobControllerCannotCreateShowsWhyOnTheAttempt() {
        RunSim sim = new RunSim(spec(step("a")));
        sim.plan();
        String psa = "Error creating: pods \"etl-x7k2p-a-1-x\" is forbidden: violates PodSecurity \"restricted:latest\": runAsNonRoot != true";
        sim.observe(new ObservedJob(sim.job("a", 1), "a", 1, Fixtures.T0, ObservedJob.State.ACTIVE, null, null, null, false, null, null,
                "FailedCreate", psa, null, false, null));
        sim.at(Duration.ofSeconds(3)).plan();
        assertThat(sim.attempt("a", 1).reason).isEqualTo("FailedCreate");
        assertThat(sim.attempt("a", 1).message).isEqualTo(psa);
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
    }

    @Test
    void aJobTheServerRejectsFailsTheAttemptAndTheRetryPolicyDecides() {
        Step a = step("a");
        a.retry = retry(1, Backoff.constant, "10s", null);
        RunSim sim = new RunSim(spec(a));
        RunPlan p = refused(sim, CreateResult.failed("etl-x7k2p-a-1", "InvalidJob", "spec.template.spec.containers[0].resources.requests: Invalid value: \"x\""));

        assertThat(sim.attempt("a", 1).isFinished()).isTrue();
        assertThat(sim.attempt("a", 1).reason).isEqualTo("InvalidJob");
        assertThat(p.requeueAfter()).as("the retry is decided on the next look").isEqualTo(Duration.ZERO);
        assertThat(p.events()).extracting(RunEvent::reason).contains("AttemptFailed");

        RunPlan next = sim.plan();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(next.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aJobCreatedUnderTheRunsQualifiedNameIsRecordedUnderThatName() {
        RunSim sim = new RunSim(spec(step("check")));
        String qualified = Names.qualifiedJob(sim.runName, "3f2a9c1e-0000", "check", 1);
        refused(sim, CreateResult.created(qualified));
        assertThat(sim.attempt("check", 1).job).isEqualTo(qualified);
        assertThat(qualified).isEqualTo("etl-x7k2p-check-3f2a9c1e-1");
        assertThat(sim.step("check").phase).isEqualTo(StepPhase.Running);
    }

    @Test
    void theSecondLookNeverAsksForWorkTheFirstDidNot() {
        RunSim sim = new RunSim(spec(step("a"), step("b"), step("c", "a", "b")));
        RunPlan first = sim.plan();
        sim.results = new ActionResults(Map.of("etl-x7k2p-a-1", CreateResult.failed("etl-x7k2p-a-1", "InvalidJob", "bad"),
                "etl-x7k2p-b-1", CreateResult.waiting("etl-x7k2p-b-1", "TooManyRequests", "slow down")), null);
        RunPlan second = sim.planAgain(first);
        assertThat(second.create()).extracting(JobToCreate::name)
                .isSubsetOf(first.create().stream().map(JobToCreate::name).toList());
        assertThat(sim.step("c").phase).isEqualTo(StepPhase.Pending);
    }

    @Test
    void aJobFoundForAnAttemptWhoseCreateSeemedRefusedIsAdopted() {
        RunSim sim = new RunSim(spec(step("a")));
        refused(sim, CreateResult.waiting("etl-x7k2p-a-1", "Timeout", "no answer from the API server: timeout"));
        // the create did reach the server after all
        sim.running("a", 1);
        RunPlan p = sim.at(Duration.ofSeconds(1)).plan();
        assertThat(p.create()).isEmpty();
        assertThat(sim.attempt("a", 1).job).isEqualTo("etl-x7k2p-a-1");
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.step("a").message).isNull();
    }

    @Test
    void aStepWhoseInstanceTypeWasDeletedFailsInsteadOfRunningWithoutItsResources() {
        Step a = step("a");
        a.instanceType = "large";
        RunSim sim = new RunSim(spec(a));
        RunPlan p = sim.plan();
        assertThat(p.create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").message).isEqualTo("InstanceType 'large' does not exist");
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
    }

    @Test
    void severalDefaultInstanceTypesAreReportedNotPickedAtRandom() {
        RunSim sim = new RunSim(spec(step("a")));
        InstanceTypeSpec one = new InstanceTypeSpec();
        one.isDefault = true;
        InstanceTypeSpec two = new InstanceTypeSpec();
        two.isDefault = true;
        sim.instanceTypes.put("small", one);
        sim.instanceTypes.put("medium", two);
        sim.plan();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").message).isEqualTo("several InstanceTypes are marked default (medium, small): mark only one, or name an instanceType");
    }

    @Test
    @Timeout(value = 10, threadMode = SEPARATE_THREAD)
    void templatesThatResolveToMoreThan256KiBFailTheStepNamingTheFieldInsteadOfBuildingAHugeJob() {
        // 1.4 MB of spec standing for 400 MB of args
        Step a = withArgs(step("a"), "--small={{params.big}}", "{{params.big}}".repeat(100_000));
        RunSim sim = new RunSim(withParams(spec(a, step("b", "a")), new dev.stepwise.api.v1alpha1.Param("big", null)));
        sim.params.put("big", "x".repeat(4096));

        RunPlan p = sim.plan();

        assertThat(p.create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").message).isEqualTo("the templates of step 'a' resolve to more than 256 KiB of command, "
                + "args and env values, passing the limit at args[1]: no Job is created");
        assertThat(sim.attempt("a", 1).reason).isEqualTo("TemplateTooLarge");
        assertThat(sim.attempt("a", 1).job).isNull();
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
    }
}
