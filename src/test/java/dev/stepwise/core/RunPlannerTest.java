package dev.stepwise.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.RetryPolicy.Backoff;
import dev.stepwise.api.v1alpha1.RunIf;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepDefaults;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.stepwise.core.Fixtures.T0;
import static dev.stepwise.core.Fixtures.retry;
import static dev.stepwise.core.Fixtures.sleepStep;
import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static dev.stepwise.core.Fixtures.waitStep;
import static dev.stepwise.core.Fixtures.withArgs;
import static dev.stepwise.core.Fixtures.withOutputs;
import static org.assertj.core.api.Assertions.assertThat;

class RunPlannerTest {
    private static final String RUN = "etl-x7k2p";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Run under test: the planner's inputs, with the status of the last plan applied as if written back. */
    private static final class Sim {
        final WorkflowSpec spec;
        String runName = RUN;
        Map<String, String> params = new LinkedHashMap<>();
        boolean cancel;
        RunStatus status;
        final Map<String, ObservedJob> jobs = new LinkedHashMap<>();
        Map<String, InstanceTypeSpec> instanceTypes = new LinkedHashMap<>();
        Instant now = T0;
        int logTailBytes = 2048;
        long generation = 1L;
        RunPlan last;

        Sim(WorkflowSpec spec) {
            this.spec = spec;
        }

        RunContext ctx() {
            return new RunContext(runName, "data", generation, "etl", "etl-r3", spec, params, cancel, status, jobs,
                    instanceTypes, now, logTailBytes);
        }

        /** Plans, applies the status, and checks the invariants every plan must keep. */
        RunPlan plan() {
            last = RunPlanner.plan(ctx());
            status = last.status();
            assertConditionsMatchPhase(status, generation);
            return last;
        }

        Sim at(Duration sinceT0) {
            now = T0.plus(sinceT0);
            return this;
        }

        StepStatus step(String name) {
            return status.steps.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
        }

        Attempt attempt(String step, int number) {
            return step(step).attempts.stream().filter(a -> a.number == number).findFirst().orElseThrow();
        }

        void observe(ObservedJob job) {
            jobs.put(job.jobName(), job);
        }

        void running(String step, int attempt) {
            observe(active(step, attempt, true, null, null));
        }

        void succeeded(String step, int attempt, String outputs, String logs) {
            observe(new ObservedJob(job(step, attempt), step, attempt, createdOf(step, attempt), ObservedJob.State.SUCCEEDED,
                    job(step, attempt) + "-abcde", true, now, 0, null, null, outputs, false, logs));
        }

        void failed(String step, int attempt, int exitCode, String logs) {
            observe(new ObservedJob(job(step, attempt), step, attempt, createdOf(step, attempt), ObservedJob.State.FAILED,
                    job(step, attempt) + "-abcde", true, now, exitCode, "Error", "BackoffLimitExceeded", null, false, logs));
        }

        void disrupted(String step, int attempt) {
            observe(new ObservedJob(job(step, attempt), step, attempt, createdOf(step, attempt), ObservedJob.State.FAILED,
                    job(step, attempt) + "-abcde", true, now, null, "DisruptionTarget", "the node was drained", null, true, null));
        }

        ObservedJob active(String step, int attempt, boolean podStarted, String reason, String message) {
            return new ObservedJob(job(step, attempt), step, attempt, createdOf(step, attempt), ObservedJob.State.ACTIVE,
                    job(step, attempt) + "-abcde", podStarted, null, null, reason, message, null, false, null);
        }

        String job(String step, int attempt) {
            return JobNames.of(runName, step, attempt);
        }

        private Instant createdOf(String step, int attempt) {
            StepStatus st = status == null ? null
                    : status.steps.stream().filter(s -> s.name.equals(step)).findFirst().orElse(null);
            if (st != null) {
                for (Attempt a : st.attempts) {
                    if (a.number == attempt && a.startedAt != null) {
                        return Times.parse(a.startedAt);
                    }
                }
            }
            return now;
        }
    }

    /** SPEC "Conditions and GitOps health": the four conditions always match the phase. */
    static void assertConditionsMatchPhase(RunStatus status, long generation) {
        RunPhase phase = status.phase;
        String succeeded;
        String ready;
        String reconciling;
        String stalled;
        switch (phase) {
            case Succeeded -> {
                succeeded = "True";
                ready = "True";
                reconciling = "False";
                stalled = "False";
            }
            case Failed, Cancelled -> {
                succeeded = "False";
                ready = "False";
                reconciling = "False";
                stalled = "True";
            }
            default -> {
                succeeded = "Unknown";
                ready = "False";
                reconciling = "True";
                stalled = "False";
            }
        }
        Map<String, String> expected = Map.of("Succeeded", succeeded, "Ready", ready, "Reconciling", reconciling,
                "Stalled", stalled);
        assertThat(status.conditions).extracting(Condition::getType)
                .containsExactlyInAnyOrder("Succeeded", "Ready", "Reconciling", "Stalled");
        for (Condition c : status.conditions) {
            assertThat(c.getStatus()).as("%s in phase %s", c.getType(), phase).isEqualTo(expected.get(c.getType()));
            assertThat(c.getReason()).as("reason of %s", c.getType()).isEqualTo(phase.name());
            assertThat(c.getMessage()).isEqualTo(status.message);
            assertThat(c.getObservedGeneration()).isEqualTo(generation);
            assertThat(c.getLastTransitionTime()).isNotNull();
        }
        assertThat(status.observedGeneration).isEqualTo(generation);
    }

    private static WorkflowSpec diamond() {
        Step a = withOutputs(step("a"), "x");
        Step b = withArgs(step("b", "a"), "--x", "{{steps.a.outputs.x}}", "{{params.date}}", "{{run.name}}");
        Step c = step("c", "a");
        Step d = step("d", "b", "c");
        return spec(a, b, c, d);
    }

    private static List<String> names(List<JobToCreate> jobs) {
        return jobs.stream().map(JobToCreate::name).toList();
    }

    private static List<String> reasons(List<RunEvent> events) {
        return events.stream().map(RunEvent::reason).toList();
    }

    // ---------------------------------------------------------------- starting

    @Test
    void firstPlanCreatesJobsOnlyForRootSteps() {
        Sim sim = new Sim(spec(step("a"), step("b", "a"), step("r2"), step("c", "b", "r2")));
        RunPlan plan = sim.plan();

        assertThat(names(plan.create())).containsExactly("etl-x7k2p-a-1", "etl-x7k2p-r2-1");
        assertThat(plan.create()).allSatisfy(j -> assertThat(j.attempt()).isEqualTo(1));
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.requeueAfter()).isNull();
        RunStatus s = plan.status();
        assertThat(s.phase).isEqualTo(RunPhase.Running);
        assertThat(s.workflow).isEqualTo("etl");
        assertThat(s.revision).isEqualTo("etl-r3");
        assertThat(s.trigger).isEqualTo("manual");
        assertThat(s.startedAt).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(s.progress).isEqualTo("0/4");
        assertThat(s.steps).extracting(st -> st.name).containsExactly("a", "b", "r2", "c");
        assertThat(s.steps).extracting(st -> st.phase)
                .containsExactly(StepPhase.Running, StepPhase.Pending, StepPhase.Running, StepPhase.Pending);
        Attempt a1 = sim.attempt("a", 1);
        assertThat(a1.job).isEqualTo("etl-x7k2p-a-1");
        assertThat(a1.startedAt).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(a1.isFinished()).isFalse();
        assertThat(plan.events()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("Running");
            assertThat(e.type()).isEqualTo(RunEvent.Type.Normal);
        });
    }

    @Test
    void plannerNeverMutatesItsInputStatus() throws Exception {
        Sim sim = new Sim(diamond());
        sim.plan();
        sim.succeeded("a", 1, "x=1", "log");
        sim.at(Duration.ofMinutes(1));
        RunStatus input = sim.status;
        String before = JSON.writeValueAsString(input);

        RunPlan plan = RunPlanner.plan(sim.ctx());

        assertThat(JSON.writeValueAsString(input)).isEqualTo(before);
        assertThat(plan.status()).isNotSameAs(input);
    }

    @Test
    void jobToCreateCarriesSettingsParamsAndInstanceType() {
        Step a = step("a");
        a.env = new ArrayList<>(List.of(new EnvVar("WHERE", "{{run.namespace}}/{{workflow.name}}", null)));
        a.command = new ArrayList<>(List.of("run", "{{params.table}}"));
        WorkflowSpec w = spec(a, step("b"));
        StepDefaults d = new StepDefaults();
        d.instanceType = "small";
        d.timeout = "30m";
        w.defaults = d;
        w.steps.get(1).instanceType = "large";
        Sim sim = new Sim(w);
        sim.params.put("table", "orders");
        InstanceTypeSpec small = new InstanceTypeSpec();
        small.description = "small";
        InstanceTypeSpec large = new InstanceTypeSpec();
        large.description = "large";
        sim.instanceTypes.put("small", small);
        sim.instanceTypes.put("large", large);

        List<JobToCreate> create = sim.plan().create();

        JobToCreate ja = create.get(0);
        assertThat(ja.stepName()).isEqualTo("a");
        assertThat(ja.step().command).containsExactly("run", "orders");
        assertThat(ja.step().env).singleElement().extracting(EnvVar::getValue).isEqualTo("data/etl");
        assertThat(ja.instanceType()).isSameAs(small);
        assertThat(ja.settings().timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(ja.params()).containsEntry("table", "orders");
        assertThat(create.get(1).instanceType()).isSameAs(large);
        assertThat(sim.status.params).containsEntry("table", "orders");
        // the workflow's own step is not changed by templating
        assertThat(w.steps.get(0).command).containsExactly("run", "{{params.table}}");
    }

    @Test
    void stepWithoutInstanceTypeGetsTheDefaultInstanceType() {
        Sim sim = new Sim(spec(step("a")));
        InstanceTypeSpec other = new InstanceTypeSpec();
        InstanceTypeSpec def = new InstanceTypeSpec();
        def.isDefault = true;
        sim.instanceTypes.put("other", other);
        sim.instanceTypes.put("def", def);

        assertThat(sim.plan().create().get(0).instanceType()).isSameAs(def);
    }

    // ---------------------------------------------------------------- DAG and outputs

    @Test
    void diamondPassesOutputsAndJoinsOnlyWhenBothBranchesAreDone() {
        Sim sim = new Sim(diamond());
        sim.params.put("date", "2026-11-01");
        assertThat(names(sim.plan().create())).containsExactly("etl-x7k2p-a-1");

        sim.at(Duration.ofSeconds(30)).succeeded("a", 1, "x=hello=world\nundeclared=1\n", "a done\n");
        RunPlan p2 = sim.plan();
        assertThat(names(p2.create())).containsExactly("etl-x7k2p-b-1", "etl-x7k2p-c-1");
        JobToCreate b = p2.create().get(0);
        assertThat(b.step().args).containsExactly("--x", "hello=world", "2026-11-01", "etl-x7k2p");
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Succeeded);
        assertThat(sim.step("a").outputs).containsExactly(Map.entry("x", "hello=world"));
        assertThat(sim.step("a").finishedAt).isEqualTo("2026-01-01T10:00:30Z");
        Attempt a1 = sim.attempt("a", 1);
        assertThat(a1.exitCode).isZero();
        assertThat(a1.reason).isEqualTo("Completed");
        assertThat(a1.pod).isEqualTo("etl-x7k2p-a-1-abcde");
        assertThat(a1.logs).isEqualTo("a done\n");
        assertThat(a1.message).isEqualTo("ignored undeclared outputs: undeclared");
        assertThat(sim.status.progress).isEqualTo("1/4");

        sim.at(Duration.ofSeconds(60)).succeeded("b", 1, null, null);
        sim.running("c", 1);
        RunPlan p3 = sim.plan();
        assertThat(p3.create()).as("d waits for c").isEmpty();
        assertThat(sim.step("d").phase).isEqualTo(StepPhase.Pending);
        assertThat(sim.status.phase).isEqualTo(RunPhase.Running);

        sim.at(Duration.ofSeconds(90)).succeeded("c", 1, null, null);
        assertThat(names(sim.plan().create())).containsExactly("etl-x7k2p-d-1");

        sim.at(Duration.ofSeconds(120)).succeeded("d", 1, null, null);
        RunPlan done = sim.plan();
        assertThat(done.create()).isEmpty();
        assertThat(sim.status.phase).isEqualTo(RunPhase.Succeeded);
        assertThat(sim.status.progress).isEqualTo("4/4");
        assertThat(sim.status.finishedAt).isEqualTo("2026-01-01T10:02:00Z");
        assertThat(sim.status.duration).isEqualTo("2m0s");
        assertThat(done.requeueAfter()).isNull();
        assertThat(reasons(done.events())).containsExactly("Succeeded");
    }

    @Test
    void failedParentSkipsItsDescendantsAndFailsTheRun() {
        Step a = step("a");
        a.retry = retry(2, Backoff.constant, "1s", null);
        Step other = step("other");
        Sim sim = new Sim(spec(a, step("b", "a"), step("c", "b"), other));
        sim.plan();
        sim.succeeded("other", 1, null, null);
        for (int attempt = 1; attempt <= 3; attempt++) {
            sim.at(Duration.ofSeconds(10L * attempt)).failed("a", attempt, 2, "boom " + attempt);
            sim.plan();
            if (attempt < 3) {
                assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
                sim.at(Duration.ofSeconds(10L * attempt + 1));
                assertThat(names(sim.plan().create())).containsExactly(sim.job("a", attempt + 1));
            }
        }

        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").message).isEqualTo("exit code 2 after 3 attempts");
        assertThat(sim.step("a").attempts).extracting(x -> x.exitCode).containsExactly(2, 2, 2);
        assertThat(sim.step("b").phase).isEqualTo(StepPhase.Skipped);
        assertThat(sim.step("b").message).isEqualTo("runIf AllSucceeded not met by a (failed)");
        assertThat(sim.step("c").phase).isEqualTo(StepPhase.Skipped);
        assertThat(sim.step("b").attempts).isEmpty();
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
        assertThat(sim.status.message).isEqualTo("step a failed: exit code 2 after 3 attempts");
        assertThat(sim.status.progress).isEqualTo("4/4");
        assertThat(sim.last.events()).extracting(RunEvent::reason).contains("AttemptFailed", "StepFailed", "Failed");
        assertThat(sim.last.events()).filteredOn(e -> e.reason().equals("Failed")).singleElement()
                .extracting(RunEvent::type).isEqualTo(RunEvent.Type.Warning);
    }

    @Test
    void allDoneStepRunsAfterAFailedParentAndTheRunStillFails() {
        Step cleanup = step("cleanup", "a");
        cleanup.runIf = RunIf.AllDone;
        Step onFailure = step("alert", "a");
        onFailure.runIf = RunIf.AnyFailed;
        Sim sim = new Sim(spec(step("a"), cleanup, onFailure));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, null);

        assertThat(names(sim.plan().create())).containsExactly(sim.job("cleanup", 1), sim.job("alert", 1));
        sim.at(Duration.ofSeconds(9)).succeeded("cleanup", 1, null, null);
        sim.succeeded("alert", 1, null, null);
        sim.plan();
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
        assertThat(sim.status.message).isEqualTo("step a failed: exit code 1 after 1 attempt");
    }

    @Test
    void whenFalseSkipsTheStepAndItsChildrenStillRun() {
        Step a = withOutputs(step("a"), "rows");
        Step load = step("load", "a");
        load.when = "steps.a.outputs.rows != '0'";
        Step report = step("report", "load");
        Sim sim = new Sim(spec(a, load, report));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("a", 1, "rows=0", null);

        RunPlan p = sim.plan();

        assertThat(sim.step("load").phase).isEqualTo(StepPhase.Skipped);
        assertThat(sim.step("load").message).isEqualTo("when is false: steps.a.outputs.rows != '0'");
        assertThat(names(p.create())).containsExactly(sim.job("report", 1));
    }

    @Test
    void whenTrueRunsTheStepWithParamsAndPhasesInScope() {
        Step a = withOutputs(step("a"), "rows");
        Step load = step("load", "a");
        load.when = "steps.a.outputs.rows != '0' && steps.a.phase == 'Succeeded' && params.mode == 'full'";
        Sim sim = new Sim(spec(a, load));
        sim.params.put("mode", "full");
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("a", 1, "rows=42", null);

        assertThat(names(sim.plan().create())).containsExactly(sim.job("load", 1));
    }

    @Test
    void whenThatCannotBeEvaluatedFailsTheStep() {
        Step load = step("load", "a");
        load.when = "steps.a.outputs.nope == '1'";
        Sim sim = new Sim(spec(withOutputs(step("a"), "rows"), load));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("a", 1, "rows=1", null);
        sim.plan();

        assertThat(sim.step("load").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("load").message).startsWith("when could not be evaluated");
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
    }

    @Test
    void skipWithSkipDownstreamSkipsTheWholeBranch() {
        Step b = step("b", "a");
        b.skip = true;
        b.skipDownstream = true;
        Step plainSkip = step("p", "a");
        plainSkip.skip = true;
        Sim sim = new Sim(spec(step("a"), b, step("c", "b"), step("d", "c"), plainSkip, step("q", "p")));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("a", 1, null, null);
        RunPlan p = sim.plan();

        assertThat(sim.step("b").phase).isEqualTo(StepPhase.Skipped);
        assertThat(sim.step("c").phase).isEqualTo(StepPhase.Skipped);
        assertThat(sim.step("d").phase).isEqualTo(StepPhase.Skipped);
        assertThat(sim.step("d").message).contains("'b'");
        assertThat(sim.step("p").phase).isEqualTo(StepPhase.Skipped);
        assertThat(names(p.create())).as("a plain skip passes success on").containsExactly(sim.job("q", 1));
    }

    // ---------------------------------------------------------------- retries

    @Test
    void exponentialBackoffWaitsThenCreatesTheNextAttempt() {
        Step a = step("a");
        a.retry = retry(3, Backoff.exponential, "10s", "5m");
        Sim sim = new Sim(spec(a));
        sim.plan();

        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, "oops");
        sim.at(Duration.ofSeconds(6));
        RunPlan p = sim.plan();
        assertThat(p.create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(sim.step("a").nextRetryAt).isEqualTo("2026-01-01T10:00:15Z");  // finishedAt + 10s
        assertThat(sim.step("a").message).isEqualTo("retrying after exit code 1");
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofSeconds(9));
        assertThat(sim.status.phase).isEqualTo(RunPhase.Running);
        assertThat(sim.attempt("a", 1).finishedAt).isEqualTo("2026-01-01T10:00:05Z");
        assertThat(sim.attempt("a", 1).reason).isEqualTo("Error");
        assertThat(sim.attempt("a", 1).message).isEqualTo("BackoffLimitExceeded");
        assertThat(p.events()).extracting(RunEvent::reason).containsExactly("AttemptFailed");
        assertThat(p.events().get(0).message()).isEqualTo("step a attempt 1 failed: exit code 1");

        sim.at(Duration.ofSeconds(14));
        RunPlan early = sim.plan();
        assertThat(early.create()).isEmpty();
        assertThat(early.requeueAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(early.events()).as("no duplicate events while waiting").isEmpty();

        sim.at(Duration.ofSeconds(15));
        RunPlan retry = sim.plan();
        assertThat(names(retry.create())).containsExactly("etl-x7k2p-a-2");
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.step("a").nextRetryAt).isNull();
        assertThat(sim.attempt("a", 2).startedAt).isEqualTo("2026-01-01T10:00:15Z");
        assertThat(retry.requeueAfter()).isNull();

        sim.at(Duration.ofSeconds(20)).failed("a", 2, 1, null);
        sim.plan();
        assertThat(sim.step("a").nextRetryAt).as("second retry waits 2 x delay").isEqualTo("2026-01-01T10:00:40Z");
        assertThat(sim.last.requeueAfter()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void retryLimitNMeansNPlusOneAttemptsInAll() {
        Step a = step("a");
        a.retry = retry(1, Backoff.constant, "1s", null);
        Sim sim = new Sim(spec(a));
        sim.plan();
        sim.at(Duration.ofSeconds(1)).failed("a", 1, 3, null);
        sim.plan();
        sim.at(Duration.ofSeconds(2));
        assertThat(names(sim.plan().create())).containsExactly(sim.job("a", 2));
        sim.at(Duration.ofSeconds(3)).failed("a", 2, 3, null);
        RunPlan p = sim.plan();
        sim.at(Duration.ofHours(1));
        assertThat(p.create()).isEmpty();
        assertThat(sim.plan().create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").attempts).hasSize(2);
        assertThat(sim.status.message).isEqualTo("step a failed: exit code 3 after 2 attempts");
    }

    @Test
    void failedStepIsRetriedOnlyForListedExitCodes() {
        Step a = step("a");
        a.retry = retry(3, Backoff.constant, "1s", null, 2, 137);
        Sim sim = new Sim(spec(a));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, null);
        sim.at(Duration.ofMinutes(5));

        RunPlan p = sim.plan();

        assertThat(p.create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").nextRetryAt).isNull();
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
        assertThat(sim.status.message).isEqualTo("step a failed: exit code 1 after 1 attempt");
    }

    @Test
    void listedExitCodeIsRetried() {
        Step a = step("a");
        a.retry = retry(3, Backoff.constant, "1s", null, 2, 137);
        Sim sim = new Sim(spec(a));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 137, null);
        sim.at(Duration.ofSeconds(6));

        assertThat(names(sim.plan().create())).containsExactly(sim.job("a", 2));
    }

    @Test
    void retryPolicyComesFromTheWorkflowDefaults() {
        StepDefaults d = new StepDefaults();
        d.retry = retry(1, Backoff.constant, "30s", null);
        Sim sim = new Sim(Fixtures.withDefaults(spec(step("a")), d));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, null);
        sim.plan();

        assertThat(sim.step("a").nextRetryAt).isEqualTo("2026-01-01T10:00:35Z");
    }

    @Test
    void disruptedAttemptIsRetriedAtOnceWithoutUsingUpTheLimit() {
        Step a = step("a");
        a.retry = retry(0, Backoff.constant, "1m", null);
        Sim sim = new Sim(spec(a));
        sim.plan();

        sim.at(Duration.ofSeconds(30)).disrupted("a", 1);
        RunPlan p = sim.plan();
        assertThat(names(p.create())).as("retried immediately, no backoff").containsExactly("etl-x7k2p-a-2");
        assertThat(sim.attempt("a", 1).disrupted).isTrue();
        assertThat(sim.attempt("a", 1).reason).isEqualTo("DisruptionTarget");
        assertThat(p.events()).filteredOn(e -> e.reason().equals("AttemptFailed")).singleElement()
                .extracting(RunEvent::message).asString().contains("disrupted");

        sim.at(Duration.ofSeconds(40)).disrupted("a", 2);
        assertThat(names(sim.plan().create())).containsExactly("etl-x7k2p-a-3");

        sim.at(Duration.ofSeconds(50)).failed("a", 3, 1, null);
        RunPlan last = sim.plan();
        assertThat(last.create()).as("limit 0: the one counted failure ends it").isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
    }

    @Test
    void disruptedAttemptsDoNotCountTowardTheRetryLimit() {
        Step a = step("a");
        a.retry = retry(1, Backoff.constant, "10s", null);
        Sim sim = new Sim(spec(a));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, null);       // counted 1
        sim.plan();
        sim.at(Duration.ofSeconds(15));
        sim.plan();                                                   // attempt 2
        sim.at(Duration.ofSeconds(20)).disrupted("a", 2);             // not counted
        assertThat(names(sim.plan().create())).containsExactly(sim.job("a", 3));
        sim.at(Duration.ofSeconds(30)).failed("a", 3, 1, null);       // counted 2 > limit 1
        sim.plan();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").attempts).hasSize(3);
    }

    @Test
    void vanishedJobIsRetriedSoTheRunNeverStaysRunning() {
        Sim sim = new Sim(spec(step("a")));
        sim.plan();
        sim.at(Duration.ofMinutes(1)).observe(ObservedJob.missing(sim.job("a", 1), "a", 1));

        RunPlan p = sim.plan();

        assertThat(sim.attempt("a", 1).reason).isEqualTo("JobLost");
        assertThat(sim.attempt("a", 1).isFinished()).isTrue();
        assertThat(names(p.create())).containsExactly(sim.job("a", 2));
    }

    // ---------------------------------------------------------------- pending timeout

    @Test
    void pendingTimeoutFailsTheAttemptWithThePodReasonAndDeletesItsJob() {
        Step a = step("a");
        a.pendingTimeout = "5m";
        Sim sim = new Sim(spec(a, step("b", "a")));
        sim.plan();

        sim.at(Duration.ofMinutes(1)).observe(sim.active("a", 1, false, "Unschedulable",
                "0/3 nodes are available: 3 Insufficient cpu."));
        RunPlan pending = sim.plan();
        assertThat(sim.attempt("a", 1).reason).as("reason shown while pending").isEqualTo("Unschedulable");
        assertThat(sim.attempt("a", 1).message).isEqualTo("0/3 nodes are available: 3 Insufficient cpu.");
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(pending.delete()).isEmpty();
        assertThat(pending.requeueAfter()).isEqualTo(Duration.ofMinutes(4));

        sim.at(Duration.ofMinutes(5));
        RunPlan timedOut = sim.plan();
        assertThat(timedOut.delete()).containsExactly("etl-x7k2p-a-1");
        Attempt a1 = sim.attempt("a", 1);
        assertThat(a1.isFinished()).isTrue();
        assertThat(a1.reason).isEqualTo("Unschedulable");
        assertThat(a1.message).startsWith("pod not running after 5m0s").contains("Insufficient cpu");
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("b").phase).isEqualTo(StepPhase.Skipped);
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
        assertThat(sim.status.message).isEqualTo("step a failed: Unschedulable (pod not running after 5m0s: 0/3 nodes are available: 3 Insufficient cpu.) after 1 attempt");
        assertThat(timedOut.events()).extracting(RunEvent::reason).contains("AttemptFailed", "Failed");
    }

    @Test
    void pendingTimeoutDoesNotApplyOnceThePodRuns() {
        Step a = step("a");
        a.pendingTimeout = "1m";
        Sim sim = new Sim(spec(a));
        sim.plan();
        sim.at(Duration.ofMinutes(10)).running("a", 1);

        RunPlan p = sim.plan();

        assertThat(p.delete()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.attempt("a", 1).reason).isNull();
    }

    @Test
    void imagePullBackOffTimeoutIsRetriedPerPolicy() {
        Step a = step("a");
        a.pendingTimeout = "2m";
        a.retry = retry(1, Backoff.constant, "10s", null);
        Sim sim = new Sim(spec(a));
        sim.plan();
        sim.at(Duration.ofMinutes(2)).observe(sim.active("a", 1, false, "ImagePullBackOff", "Back-off pulling image"));

        RunPlan p = sim.plan();

        assertThat(p.delete()).containsExactly(sim.job("a", 1));
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(sim.attempt("a", 1).reason).isEqualTo("ImagePullBackOff");
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    // ---------------------------------------------------------------- cancel

    @Test
    void cancelDeletesActiveJobsAndEndsCancelled() {
        Step a = step("a");
        a.retry = retry(2, Backoff.constant, "1m", null);
        Sim sim = new Sim(spec(a, step("b"), step("done"), step("c", "b")));
        sim.plan();
        sim.at(Duration.ofSeconds(10)).failed("a", 1, 1, null);   // a now waits out its backoff
        sim.running("b", 1);
        sim.succeeded("done", 1, null, null);
        sim.plan();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);

        sim.cancel = true;
        sim.at(Duration.ofSeconds(20));
        RunPlan p = sim.plan();

        assertThat(p.delete()).containsExactly("etl-x7k2p-b-1");
        assertThat(p.create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Cancelled);
        assertThat(sim.step("a").nextRetryAt).isNull();
        assertThat(sim.step("b").phase).isEqualTo(StepPhase.Cancelled);
        assertThat(sim.step("c").phase).isEqualTo(StepPhase.Cancelled);
        assertThat(sim.step("done").phase).isEqualTo(StepPhase.Succeeded);
        assertThat(sim.attempt("b", 1).reason).isEqualTo("Cancelled");
        assertThat(sim.attempt("b", 1).finishedAt).isEqualTo("2026-01-01T10:00:20Z");
        assertThat(sim.status.phase).isEqualTo(RunPhase.Cancelled);
        assertThat(sim.status.message).contains("cancel");
        assertThat(sim.status.finishedAt).isEqualTo("2026-01-01T10:00:20Z");
        assertThat(p.requeueAfter()).isNull();
        assertThat(p.events()).extracting(RunEvent::reason).containsExactly("Cancelled");

        // idempotent: the cancelled Run is finished and left alone
        sim.at(Duration.ofSeconds(30));
        RunPlan again = sim.plan();
        assertThat(again.delete()).isEmpty();
        assertThat(again.events()).isEmpty();
    }

    @Test
    void cancelBeforeAnythingRanCancelsEveryStep() {
        Sim sim = new Sim(spec(step("a"), step("b", "a")));
        sim.cancel = true;
        RunPlan p = sim.plan();

        assertThat(p.create()).isEmpty();
        assertThat(sim.status.steps).extracting(s -> s.phase).containsOnly(StepPhase.Cancelled);
        assertThat(sim.status.phase).isEqualTo(RunPhase.Cancelled);
    }

    // ---------------------------------------------------------------- restart safety

    @Test
    void observedJobMissingFromStatusIsAdoptedInsteadOfCreatedAgain() {
        Sim sim = new Sim(spec(step("a"), step("b")));
        // the operator created a's Job and crashed before writing status
        sim.observe(new ObservedJob(JobNames.of(RUN, "a", 1), "a", 1, T0.minusSeconds(60), ObservedJob.State.ACTIVE,
                null, false, null, null, null, null, null, false, null));

        RunPlan p = sim.plan();

        assertThat(names(p.create())).containsExactly("etl-x7k2p-b-1");
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.step("a").attempts).singleElement().satisfies(a -> {
            assertThat(a.number).isEqualTo(1);
            assertThat(a.job).isEqualTo("etl-x7k2p-a-1");
            assertThat(a.startedAt).isEqualTo("2026-01-01T09:59:00Z");
        });
        assertThat(sim.step("a").startedAt).isEqualTo("2026-01-01T09:59:00Z");
    }

    @Test
    void adoptedRetryJobIsNotCreatedTwice() {
        Step a = step("a");
        a.retry = retry(3, Backoff.constant, "10s", null);
        Sim sim = new Sim(spec(a));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, null);
        sim.plan();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        // attempt 2 was created, then the operator crashed before writing status
        sim.at(Duration.ofSeconds(30)).running("a", 2);

        RunPlan p = sim.plan();

        assertThat(p.create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.step("a").attempts).extracting(x -> x.number).containsExactly(1, 2);
        assertThat(sim.step("a").nextRetryAt).isNull();
    }

    @Test
    void adoptedJobThatAlreadyFinishedIsFoldedIn() {
        Sim sim = new Sim(spec(withOutputs(step("a"), "x"), withArgs(step("b", "a"), "{{steps.a.outputs.x}}")));
        sim.observe(new ObservedJob(JobNames.of(RUN, "a", 1), "a", 1, T0.minusSeconds(60), ObservedJob.State.SUCCEEDED,
                "p", true, T0.minusSeconds(10), 0, null, null, "x=7", false, "ok"));

        RunPlan p = sim.plan();

        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Succeeded);
        assertThat(sim.step("a").outputs).containsEntry("x", "7");
        assertThat(p.create()).singleElement().satisfies(j -> assertThat(j.step().args).containsExactly("7"));
    }

    @Test
    void replanningWithTheSameInputsCreatesNothingNew() throws Exception {
        Step a = step("a");
        a.retry = retry(3, Backoff.constant, "10s", null);
        Sim sim = new Sim(spec(a, step("b"), step("c", "a", "b")));
        RunPlan first = sim.plan();
        assertThat(first.create()).hasSize(2);
        assertThat(first.statusChanged()).isTrue();

        for (int i = 0; i < 3; i++) {
            String before = JSON.writeValueAsString(sim.status);
            RunPlan again = sim.plan();
            assertThat(again.create()).isEmpty();
            assertThat(again.delete()).isEmpty();
            assertThat(again.events()).isEmpty();
            assertThat(JSON.writeValueAsString(again.status())).isEqualTo(before);
            assertThat(again.statusChanged()).isFalse();
        }

        // also in the middle of a backoff, after observing a failure
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, "x");
        sim.running("b", 1);
        sim.plan();
        String waiting = JSON.writeValueAsString(sim.status);
        RunPlan again = sim.plan();
        assertThat(again.create()).isEmpty();
        assertThat(again.events()).isEmpty();
        assertThat(JSON.writeValueAsString(again.status())).isEqualTo(waiting);
        assertThat(again.statusChanged()).isFalse();
    }

    @Test
    void finishedRunIsLeftUntouched() throws Exception {
        Sim sim = new Sim(spec(step("a")));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("a", 1, null, null);
        sim.plan();
        assertThat(sim.status.phase).isEqualTo(RunPhase.Succeeded);
        String done = JSON.writeValueAsString(sim.status);

        // later: new observations, a different clock, even cancel
        sim.observe(ObservedJob.missing(sim.job("a", 1), "a", 1));
        sim.cancel = true;
        sim.at(Duration.ofHours(5));
        RunPlan p = sim.plan();

        assertThat(JSON.writeValueAsString(p.status())).isEqualTo(done);
        assertThat(p.create()).isEmpty();
        assertThat(p.delete()).isEmpty();
        assertThat(p.events()).isEmpty();
        assertThat(p.requeueAfter()).isNull();
    }

    // ---------------------------------------------------------------- sleep and wait

    @Test
    void sleepStepSucceedsAfterItsDuration() {
        Sim sim = new Sim(spec(sleepStep("nap", "10m"), step("after", "nap")));
        RunPlan p = sim.plan();
        assertThat(p.create()).isEmpty();
        assertThat(sim.step("nap").phase).isEqualTo(StepPhase.Running);
        assertThat(sim.step("nap").message).isEqualTo("sleeping until 2026-01-01T10:10:00Z");
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofMinutes(10));

        sim.at(Duration.ofMinutes(9));
        RunPlan early = sim.plan();
        assertThat(sim.step("nap").phase).isEqualTo(StepPhase.Running);
        assertThat(early.requeueAfter()).isEqualTo(Duration.ofMinutes(1));

        sim.at(Duration.ofMinutes(10));
        RunPlan done = sim.plan();
        assertThat(sim.step("nap").phase).isEqualTo(StepPhase.Succeeded);
        assertThat(sim.step("nap").finishedAt).isEqualTo("2026-01-01T10:10:00Z");
        assertThat(names(done.create())).containsExactly(sim.job("after", 1));
    }

    @Test
    void waitForEventFailsWhenItsTimeoutPasses() {
        Sim sim = new Sim(spec(waitStep("approve", "approval", "1h")));
        RunPlan p = sim.plan();
        assertThat(sim.step("approve").phase).isEqualTo(StepPhase.Waiting);
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofHours(1));

        sim.at(Duration.ofHours(1));
        sim.plan();
        assertThat(sim.step("approve").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.status.message).isEqualTo("step approve failed: no event 'approval' within 1h");
    }

    @Test
    void requeueAfterIsTheEarliestWakeUp() {
        Step pending = step("p");
        pending.pendingTimeout = "3m";
        Sim sim = new Sim(spec(sleepStep("nap", "10m"), pending, waitStep("w", "go", "1h")));
        sim.plan();
        sim.observe(sim.active("p", 1, false, null, null));
        sim.at(Duration.ofMinutes(1));

        assertThat(sim.plan().requeueAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    // ---------------------------------------------------------------- outputs, logs, redaction

    @Test
    void sensitiveStepIsRedactedInStatusButDownstreamGetsTheRealValue() throws Exception {
        Step login = withOutputs(step("login"), "token");
        login.sensitive = true;
        Step use = withArgs(step("use", "login"), "--token={{steps.login.outputs.token}}");
        use.env = new ArrayList<>(List.of(new EnvVar("TOKEN", "{{steps.login.outputs.token}}", null)));
        Step check = step("check", "login");
        check.when = "steps.login.outputs.token == 's3cr3t-value'";
        Sim sim = new Sim(spec(login, use, check));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("login", 1, "token=s3cr3t-value", "logged in with s3cr3t-value\n");

        RunPlan p = sim.plan();

        assertThat(sim.step("login").outputs).containsExactly(Map.entry("token", "[REDACTED]"));
        assertThat(sim.attempt("login", 1).logs).isEqualTo("[REDACTED]");
        assertThat(JSON.writeValueAsString(sim.status)).doesNotContain("s3cr3t");
        assertThat(p.create()).extracting(JobToCreate::stepName).containsExactly("use", "check");
        JobToCreate job = p.create().get(0);
        assertThat(job.step().args).containsExactly("--token=s3cr3t-value");
        assertThat(job.step().env).singleElement().extracting(EnvVar::getValue).isEqualTo("s3cr3t-value");
    }

    @Test
    void sensitiveFailedAttemptLogsAreRedacted() {
        Step s = step("s");
        s.sensitive = true;
        Sim sim = new Sim(spec(s));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("s", 1, 1, "password=hunter2");
        sim.plan();

        assertThat(sim.attempt("s", 1).logs).isEqualTo("[REDACTED]");
    }

    @Test
    void logTailsAreBoundedAndKeepTheEnd() {
        Sim sim = new Sim(spec(step("a")));
        sim.logTailBytes = 512;
        sim.plan();
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            log.append("line ").append(i).append('\n');
        }
        sim.at(Duration.ofSeconds(5)).succeeded("a", 1, null, log.toString());
        sim.plan();

        String tail = sim.attempt("a", 1).logs;
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512);
        assertThat(tail).endsWith("line 1999\n");
    }

    @Test
    void longFailureMessagesAreBounded() {
        Sim sim = new Sim(spec(step("a")));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).observe(new ObservedJob(sim.job("a", 1), "a", 1, T0, ObservedJob.State.FAILED, null,
                true, sim.now, 1, "Error", "x".repeat(100_000), null, false, null));
        sim.plan();

        assertThat(sim.attempt("a", 1).message.length()).isLessThanOrEqualTo(StatusBudget.MESSAGE_BYTES);
    }

    @Test
    void oomKilledShowsTheReasonNextToTheExitCode() {
        Sim sim = new Sim(spec(step("a")));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).observe(new ObservedJob(sim.job("a", 1), "a", 1, T0, ObservedJob.State.FAILED, null,
                true, sim.now, 137, "OOMKilled", null, null, false, null));
        sim.plan();

        assertThat(sim.status.message).isEqualTo("step a failed: exit code 137 (OOMKilled) after 1 attempt");
    }

    // ---------------------------------------------------------------- events and conditions

    @Test
    void eventsTellTheStoryOfPhaseChangesAndFailedAttempts() {
        Step a = step("a");
        a.retry = retry(1, Backoff.constant, "1s", null);
        Sim sim = new Sim(spec(a));

        assertThat(reasons(sim.plan().events())).containsExactly("Running");
        sim.at(Duration.ofSeconds(2)).failed("a", 1, 1, null);
        assertThat(reasons(sim.plan().events())).containsExactly("AttemptFailed");
        sim.at(Duration.ofSeconds(3));
        assertThat(reasons(sim.plan().events())).isEmpty();
        sim.at(Duration.ofSeconds(4)).failed("a", 2, 1, null);
        RunPlan end = sim.plan();
        assertThat(reasons(end.events())).containsExactly("AttemptFailed", "StepFailed", "Failed");
        assertThat(end.events()).allSatisfy(e -> assertThat(e.type()).isEqualTo(RunEvent.Type.Warning));
        assertThat(end.events().get(2).message()).isEqualTo("step a failed: exit code 1 after 2 attempts");
    }

    @Test
    void conditionTransitionTimesFollowThePhase() {
        Sim sim = new Sim(spec(step("a")));
        sim.plan();
        Condition runningReady = Conditions.find(sim.status.conditions, "Ready");
        assertThat(runningReady.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");

        sim.at(Duration.ofMinutes(1)).running("a", 1);
        sim.plan();
        assertThat(Conditions.find(sim.status.conditions, "Ready").getLastTransitionTime())
                .as("unchanged status keeps its time").isEqualTo("2026-01-01T10:00:00Z");

        sim.at(Duration.ofMinutes(2)).succeeded("a", 1, null, null);
        sim.plan();
        assertThat(Conditions.find(sim.status.conditions, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T10:02:00Z");
        assertThat(Conditions.find(sim.status.conditions, "Stalled").getLastTransitionTime())
                .as("Stalled stayed False").isEqualTo("2026-01-01T10:00:00Z");
    }

    @Test
    void observedGenerationIsWrittenWithTheConditions() {
        Sim sim = new Sim(spec(step("a")));
        sim.generation = 7L;
        sim.plan();
        assertThat(sim.status.observedGeneration).isEqualTo(7L);
    }

    @Test
    void failBeforeStartFinishesFailedWithTheReason() {
        RunStatus s = RunOutcome.failBeforeStart(null, 2L, "etl", "missing required param 'table'", T0);

        assertThat(s.phase).isEqualTo(RunPhase.Failed);
        assertThat(s.message).isEqualTo("missing required param 'table'");
        assertThat(s.startedAt).isEqualTo(s.finishedAt);
        assertThat(s.duration).isEqualTo("0s");
        assertConditionsMatchPhase(s, 2L);
    }

    // ---------------------------------------------------------------- status size bounding

    @Test
    void statusSizeBounding() throws Exception {
        int n = 500;
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Step s = withOutputs(step(String.format("transform-partition-%03d", i)), "rows", "path");
            s.retry = retry(2, Backoff.constant, "10s", null);
            steps.add(s);
        }
        Sim sim = new Sim(spec(steps));
        sim.runName = "nightly-etl-orders-x7k2p";
        String log = ("2026-01-01T10:00:00.000Z INFO processing batch of records from the warehouse, ok\n")
                .repeat(2048 / 80 + 1).substring(0, 2048);

        assertThat(sim.plan().create()).hasSize(n);
        for (int attempt = 1; attempt <= 3; attempt++) {
            sim.at(Duration.ofMinutes(attempt * 2L));
            for (Step s : steps) {
                if (attempt < 3) {
                    sim.failed(s.name, attempt, 1, log);
                } else {
                    sim.succeeded(s.name, attempt, "rows=123456\npath=s3://bucket/orders/2026-01-01/" + s.name, log);
                }
            }
            RunPlan p = sim.plan();
            if (attempt < 3) {
                assertThat(p.create()).isEmpty();
                sim.at(Duration.ofMinutes(attempt * 2L + 1));
                assertThat(sim.plan().create()).hasSize(n);
            }
        }

        assertThat(sim.status.phase).isEqualTo(RunPhase.Succeeded);
        assertThat(sim.status.steps).allSatisfy(s -> assertThat(s.attempts).hasSize(3));
        byte[] json = new ObjectMapper().writeValueAsBytes(sim.status);
        assertThat(json.length).as("status bytes").isLessThan(1024 * 1024);
        // every attempt still shows the end of its log
        assertThat(sim.attempt("transform-partition-499", 3).logs).isNotEmpty();
        assertThat(log).endsWith(sim.attempt("transform-partition-499", 3).logs);
        System.out.println("status size of 500 steps x 3 attempts: " + json.length + " bytes");
    }
}
