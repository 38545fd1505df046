package dev.stepwise.core.run;

import dev.stepwise.core.Fixtures;
import dev.stepwise.core.Names;
import dev.stepwise.core.run.steps.JobToCreate;
import dev.stepwise.core.run.steps.ObservedJob;
import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.status.StatusBudget;

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
    private static final String RUN = RunSim.RUN;
    private static final ObjectMapper JSON = new ObjectMapper();

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
        RunSim sim = new RunSim(spec(step("a"), step("b", "a"), step("r2"), step("c", "b", "r2")));
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
        RunSim sim = new RunSim(diamond());
        sim.plan();
        sim.succeeded("a", 1, "x=1", "log");
        sim.at(Duration.ofMinutes(1));
        RunStatus input = sim.status;
        String before = JSON.writeValueAsString(input);

        RunPlan plan = RunPlanner.plan(sim.facts(), sim.pin());

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
        RunSim sim = new RunSim(w);
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
        RunSim sim = new RunSim(spec(step("a")));
        InstanceTypeSpec other = new InstanceTypeSpec();
        InstanceTypeSpec def = new InstanceTypeSpec();
        def.isDefault = true;
        sim.instanceTypes.put("other", other);
        sim.instanceTypes.put("def", def);

        assertThat(sim.plan().create().get(0).instanceType()).isSameAs(def);
    }

    @Test
    void aStepNamingAnInstanceTypeOfOtherNamespacesFailsNamingTheInstanceTypeAndTheNamespace() {
        RunSim sim = new RunSim(spec(step("a"), step("b")));
        sim.spec.steps.get(0).instanceType = "gpu";
        sim.spec.steps.get(1).instanceType = "shared";
        InstanceTypeSpec gpu = new InstanceTypeSpec();
        gpu.namespaceSelector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("team", "ml").build();
        sim.instanceTypes.put("gpu", gpu);
        sim.instanceTypes.put("shared", new InstanceTypeSpec());
        sim.namespaceLabels.put("team", "data");

        RunPlan plan = sim.plan();

        // no Job for the step on the other team's InstanceType; the one without a selector is usable from everywhere
        assertThat(names(plan.create())).containsExactly("etl-x7k2p-b-1");
        var a = sim.step("a");
        assertThat(a.phase).isEqualTo(StepPhase.Failed);
        assertThat(a.attempts.get(0).reason).isEqualTo("InstanceTypeNotAllowed");
        assertThat(a.message).contains("InstanceType 'gpu'", "namespace 'data'", "namespaceSelector");
    }

    @Test
    void anInstanceTypesNamespaceSelectorLetsMatchingNamespacesUseIt() {
        RunSim sim = new RunSim(spec(step("a")));
        sim.spec.steps.get(0).instanceType = "gpu";
        InstanceTypeSpec gpu = new InstanceTypeSpec();
        gpu.namespaceSelector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addNewMatchExpression()
                .withKey("team").withOperator("In").withValues("ml", "data").endMatchExpression().build();
        sim.instanceTypes.put("gpu", gpu);
        sim.namespaceLabels.put("team", "data");

        assertThat(sim.plan().create()).singleElement().extracting(JobToCreate::instanceType).isSameAs(gpu);
    }

    @Test
    void aDefaultInstanceTypeWithANamespaceSelectorIsTheDefaultOnlyWhereItMatches() {
        InstanceTypeSpec mlDefault = new InstanceTypeSpec();
        mlDefault.isDefault = true;
        mlDefault.namespaceSelector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("team", "ml").build();
        InstanceTypeSpec dataDefault = new InstanceTypeSpec();
        dataDefault.isDefault = true;
        dataDefault.namespaceSelector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("team", "data").build();
        RunSim sim = new RunSim(spec(step("a")));
        sim.instanceTypes.put("ml", mlDefault);
        sim.instanceTypes.put("data", dataDefault);
        sim.namespaceLabels.put("team", "data");

        assertThat(sim.plan().create()).singleElement().extracting(JobToCreate::instanceType).isSameAs(dataDefault);
    }

    @Test
    void aRevisionWithATokenForAPlainHttpRepositoryCreatesNoJobAndFailsTheStepSayingWhy() {
        RunSim sim = new RunSim(spec(step("a")));
        dev.stepwise.api.v1alpha1.Repository repo = new dev.stepwise.api.v1alpha1.Repository();
        repo.url = "http://git.example.com/etl.git";
        repo.tokenSecretRef = new io.fabric8.kubernetes.api.model.SecretKeySelector("token", "git", false);
        sim.spec.steps.get(0).repository = repo;

        assertThat(sim.plan().create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").attempts.get(0).reason).isEqualTo("InsecureRepository");
        assertThat(sim.step("a").message).contains("not an https:// URL");
    }

    // ---------------------------------------------------------------- DAG and outputs

    @Test
    void diamondPassesOutputsAndJoinsOnlyWhenBothBranchesAreDone() {
        RunSim sim = new RunSim(diamond());
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
        RunSim sim = new RunSim(spec(a, step("b", "a"), step("c", "b"), other));
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
        assertThat(sim.last.events()).extracting(RunEvent::reason).contains("AttemptFailed", "Failed")
                .as("the step's failure is the Run's: told once").doesNotContain("StepFailed");
        assertThat(sim.last.events()).filteredOn(e -> e.reason().equals("Failed")).singleElement()
                .extracting(RunEvent::type).isEqualTo(RunEvent.Type.Warning);
    }

    @Test
    void allDoneStepRunsAfterAFailedParentAndTheRunStillFails() {
        Step cleanup = step("cleanup", "a");
        cleanup.runIf = RunIf.AllDone;
        Step onFailure = step("alert", "a");
        onFailure.runIf = RunIf.AnyFailed;
        RunSim sim = new RunSim(spec(step("a"), cleanup, onFailure));
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
        RunSim sim = new RunSim(spec(a, load, report));
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
        RunSim sim = new RunSim(spec(a, load));
        sim.params.put("mode", "full");
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("a", 1, "rows=42", null);

        assertThat(names(sim.plan().create())).containsExactly(sim.job("load", 1));
    }

    @Test
    void whenThatCannotBeEvaluatedFailsTheStep() {
        Step load = step("load", "a");
        load.when = "steps.a.outputs.nope == '1'";
        RunSim sim = new RunSim(spec(withOutputs(step("a"), "rows"), load));
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
        RunSim sim = new RunSim(spec(step("a"), b, step("c", "b"), step("d", "c"), plainSkip, step("q", "p")));
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
        RunSim sim = new RunSim(spec(a));
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
        RunSim sim = new RunSim(spec(a));
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
        RunSim sim = new RunSim(spec(a));
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
        RunSim sim = new RunSim(spec(a));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 137, null);
        sim.at(Duration.ofSeconds(6));

        assertThat(names(sim.plan().create())).containsExactly(sim.job("a", 2));
    }

    @Test
    void retryPolicyComesFromTheWorkflowDefaults() {
        StepDefaults d = new StepDefaults();
        d.retry = retry(1, Backoff.constant, "30s", null);
        RunSim sim = new RunSim(Fixtures.withDefaults(spec(step("a")), d));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, null);
        sim.plan();

        assertThat(sim.step("a").nextRetryAt).isEqualTo("2026-01-01T10:00:35Z");
    }

    @Test
    void disruptedAttemptIsRetriedAfterAShortBackoffWithoutUsingUpTheLimit() {
        Step a = step("a");
        a.retry = retry(0, Backoff.constant, "1m", null);
        RunSim sim = new RunSim(spec(a));
        sim.plan();

        sim.at(Duration.ofSeconds(30)).disrupted("a", 1);
        RunPlan p = sim.plan();
        assertThat(p.create()).as("a disruption waits 5 s, not the step's 1m").isEmpty();
        assertThat(p.requeueAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(sim.attempt("a", 1).disrupted).isTrue();
        assertThat(sim.attempt("a", 1).reason).isEqualTo("DisruptionTarget");
        assertThat(p.events()).filteredOn(e -> e.reason().equals("AttemptFailed")).singleElement()
                .extracting(RunEvent::message).asString().contains("disrupted");
        assertThat(names(sim.at(Duration.ofSeconds(35)).plan().create())).containsExactly("etl-x7k2p-a-2");

        sim.at(Duration.ofSeconds(40)).disrupted("a", 2);
        assertThat(sim.plan().requeueAfter()).as("the second disruption waits 10 s").isEqualTo(Duration.ofSeconds(10));
        assertThat(names(sim.at(Duration.ofSeconds(50)).plan().create())).containsExactly("etl-x7k2p-a-3");

        sim.at(Duration.ofSeconds(55)).failed("a", 3, 1, null);
        RunPlan last = sim.plan();
        assertThat(last.create()).as("limit 0: the one counted failure ends it").isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
    }

    @Test
    void disruptedAttemptsDoNotCountTowardTheRetryLimit() {
        Step a = step("a");
        a.retry = retry(1, Backoff.constant, "10s", null);
        RunSim sim = new RunSim(spec(a));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, null);       // counted 1
        sim.plan();
        sim.at(Duration.ofSeconds(15));
        sim.plan();                                                   // attempt 2
        sim.at(Duration.ofSeconds(20)).disrupted("a", 2);             // not counted
        sim.plan();
        assertThat(names(sim.at(Duration.ofSeconds(25)).plan().create())).containsExactly(sim.job("a", 3));
        sim.at(Duration.ofSeconds(30)).failed("a", 3, 1, null);       // counted 2 > limit 1
        sim.plan();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.step("a").attempts).hasSize(3);
    }

    @Test
    void disruptionsPastTheCapCountAsFailures() {
        RunSim sim = new RunSim(spec(step("a")));
        sim.plan();
        for (int n = 1; n <= 3; n++) {
            sim.at(Duration.ofMinutes(n)).disrupted("a", n);
            sim.plan();
            assertThat(sim.at(Duration.ofMinutes(n).plusSeconds(30)).plan().create()).as("free retry %s", n).hasSize(1);
        }
        sim.at(Duration.ofMinutes(5)).disrupted("a", 4);
        RunPlan p = sim.plan();

        assertThat(p.create()).as("no retry policy: the fourth disruption ends the step").isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.attempt("a", 4).disrupted).isNull();
        assertThat(sim.attempt("a", 4).message).contains("disrupted more than 3 times");
        assertThat(sim.step("a").message).contains("after 4 attempts");
    }

    @Test
    void jobDeletedBySomeoneElseFailsItsAttemptWithAClearReason() {
        RunSim sim = new RunSim(spec(step("a")));
        sim.plan();
        sim.at(Duration.ofMinutes(1)).observe(ObservedJob.missing(sim.job("a", 1), "a", 1));

        RunPlan p = sim.plan();

        assertThat(sim.attempt("a", 1).reason).isEqualTo("JobDeleted");
        assertThat(sim.attempt("a", 1).disrupted).as("not a free retry").isNull();
        assertThat(p.create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
        assertThat(sim.status.message).isEqualTo("step a failed: JobDeleted (the attempt's Job was deleted before it finished) after 1 attempt");
    }

    @Test
    void nextAttemptWaitsUntilThePreviousPodHasTerminated() {
        Step a = step("a");
        a.retry = retry(2, Backoff.constant, "10s", null);
        RunSim sim = new RunSim(spec(a));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("a", 1, 1, null);
        sim.plan();
        sim.jobsWithLivePods.add(sim.job("a", 1));

        RunPlan p = sim.at(Duration.ofSeconds(20)).plan();
        assertThat(p.create()).isEmpty();
        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Waiting);
        assertThat(sim.step("a").message).isEqualTo("waiting for the pod of attempt 1 to terminate");

        sim.jobsWithLivePods.clear();
        assertThat(names(sim.at(Duration.ofSeconds(21)).plan().create())).containsExactly(sim.job("a", 2));
    }

    // ---------------------------------------------------------------- pending timeout

    @Test
    void pendingTimeoutFailsTheAttemptWithThePodReasonAndDeletesItsJob() {
        Step a = step("a");
        a.pendingTimeout = "5m";
        RunSim sim = new RunSim(spec(a, step("b", "a")));
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
        RunSim sim = new RunSim(spec(a));
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
        RunSim sim = new RunSim(spec(a));
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
        RunSim sim = new RunSim(spec(a, step("b"), step("done"), step("c", "b")));
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
        RunSim sim = new RunSim(spec(step("a"), step("b", "a")));
        sim.cancel = true;
        RunPlan p = sim.plan();

        assertThat(p.create()).isEmpty();
        assertThat(sim.status.steps).extracting(s -> s.phase).containsOnly(StepPhase.Cancelled);
        assertThat(sim.status.phase).isEqualTo(RunPhase.Cancelled);
    }

    // ---------------------------------------------------------------- restart safety

    @Test
    void observedJobMissingFromStatusIsAdoptedInsteadOfCreatedAgain() {
        RunSim sim = new RunSim(spec(step("a"), step("b")));
        // the operator created a's Job and crashed before writing status
        sim.observe(new ObservedJob(Names.job(RUN, "a", 1), "a", 1, T0.minusSeconds(60), ObservedJob.State.ACTIVE,
                null, null, null, false, null, null, null, null, null, false, null));

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
        RunSim sim = new RunSim(spec(a));
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
        RunSim sim = new RunSim(spec(withOutputs(step("a"), "x"), withArgs(step("b", "a"), "{{steps.a.outputs.x}}")));
        sim.observe(new ObservedJob(Names.job(RUN, "a", 1), "a", 1, T0.minusSeconds(60), ObservedJob.State.SUCCEEDED,
                "p", T0.minusSeconds(60), T0.minusSeconds(60), true, T0.minusSeconds(10), 0, null, null, "x=7", false, "ok"));

        RunPlan p = sim.plan();

        assertThat(sim.step("a").phase).isEqualTo(StepPhase.Succeeded);
        assertThat(sim.step("a").outputs).containsEntry("x", "7");
        assertThat(p.create()).singleElement().satisfies(j -> assertThat(j.step().args).containsExactly("7"));
    }

    @Test
    void replanningWithTheSameInputsCreatesNothingNew() throws Exception {
        Step a = step("a");
        a.retry = retry(3, Backoff.constant, "10s", null);
        RunSim sim = new RunSim(spec(a, step("b"), step("c", "a", "b")));
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
        RunSim sim = new RunSim(spec(step("a")));
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
        RunSim sim = new RunSim(spec(sleepStep("nap", "10m"), step("after", "nap")));
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
        RunSim sim = new RunSim(spec(waitStep("approve", "approval", "1h")));
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
        RunSim sim = new RunSim(spec(sleepStep("nap", "10m"), pending, waitStep("w", "go", "1h")));
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
        RunSim sim = new RunSim(spec(login, use, check));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("login", 1, "token=s3cr3t-value", "logged in with s3cr3t-value\n");

        RunPlan storing = sim.plan();
        assertThat(storing.storeOutputs()).as("kept outside status before anything uses them")
                .containsExactly(Map.entry("login", Map.of("token", "s3cr3t-value")));
        assertThat(storing.create()).isEmpty();
        assertThat(sim.step("login").phase).isEqualTo(StepPhase.Running);
        assertThat(storing.requeueAfter()).isEqualTo(Duration.ZERO);
        RunPlan p = sim.plan();

        assertThat(sim.step("login").outputs).containsExactly(Map.entry("token", "[REDACTED]"));
        assertThat(sim.attempt("login", 1).logs).isEqualTo("[REDACTED]");
        assertThat(JSON.writeValueAsString(sim.status)).doesNotContain("s3cr3t");
        assertThat(p.create()).extracting(JobToCreate::stepName).containsExactly("use", "check");
        JobToCreate job = p.create().get(0);
        // the value is in no Job: an env var reads it from the Run's outputs Secret, and Kubernetes expands
        // $(NAME) in args and env values when it starts the container
        assertThat(job.secretEnv()).containsExactly(Map.entry("STEPWISE_SECRET_LOGIN__TOKEN", "login.outputs.token"));
        assertThat(job.step().args).containsExactly("--token=$(STEPWISE_SECRET_LOGIN__TOKEN)");
        assertThat(job.step().env).singleElement().extracting(EnvVar::getValue).isEqualTo("$(STEPWISE_SECRET_LOGIN__TOKEN)");
        assertThat(JSON.writeValueAsString(job)).doesNotContain("s3cr3t");
        // the outputs are stored, so the login step's Job (its pod's termination message holds them) goes now
        assertThat(p.delete()).containsExactly("etl-x7k2p-login-1");

        // once the Job is gone nothing more is deleted, and the values still come from where they were stored
        sim.jobs.clear();
        sim.at(Duration.ofSeconds(10)).succeeded("use", 1, "", "");
        assertThat(sim.plan().delete()).isEmpty();
    }

    @Test
    void anOutputASensitiveStepNeverWroteResolvesEmptyAndReadsNoSecretKey() {
        Step login = withOutputs(step("login"), "token", "user");
        login.sensitive = true;
        Step use = withArgs(step("use", "login"), "{{steps.login.outputs.user}}:{{steps.login.outputs.token}}",
                "{{steps.login.outputs.token}}");
        RunSim sim = new RunSim(spec(login, use));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).succeeded("login", 1, "token=t0k", "");
        sim.plan();
        JobToCreate job = sim.plan().create().get(0);
        assertThat(job.secretEnv()).containsOnlyKeys("STEPWISE_SECRET_LOGIN__TOKEN");
        assertThat(job.step().args).containsExactly(":$(STEPWISE_SECRET_LOGIN__TOKEN)", "$(STEPWISE_SECRET_LOGIN__TOKEN)");
    }

    @Test
    void sensitiveFailedAttemptLogsAreRedacted() {
        Step s = step("s");
        s.sensitive = true;
        RunSim sim = new RunSim(spec(s));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).failed("s", 1, 1, "password=hunter2");
        sim.plan();

        assertThat(sim.attempt("s", 1).logs).isEqualTo("[REDACTED]");
    }

    @Test
    void logTailsAreBoundedAndKeepTheEnd() {
        RunSim sim = new RunSim(spec(step("a")));
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
        RunSim sim = new RunSim(spec(step("a")));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).observe(new ObservedJob(sim.job("a", 1), "a", 1, T0, ObservedJob.State.FAILED, null, null, null,
                true, sim.now, 1, "Error", "x".repeat(100_000), null, false, null));
        sim.plan();

        assertThat(sim.attempt("a", 1).message.length()).isLessThanOrEqualTo(StatusBudget.MESSAGE_BYTES);
    }

    @Test
    void oomKilledShowsTheReasonNextToTheExitCode() {
        RunSim sim = new RunSim(spec(step("a")));
        sim.plan();
        sim.at(Duration.ofSeconds(5)).observe(new ObservedJob(sim.job("a", 1), "a", 1, T0, ObservedJob.State.FAILED, null, null, null,
                true, sim.now, 137, "OOMKilled", null, null, false, null));
        sim.plan();

        assertThat(sim.status.message).isEqualTo("step a failed: exit code 137 (OOMKilled) after 1 attempt");
    }

    // ---------------------------------------------------------------- events and conditions

    @Test
    void eventsTellTheStoryOfPhaseChangesAndFailedAttempts() {
        Step a = step("a");
        a.retry = retry(1, Backoff.constant, "1s", null);
        RunSim sim = new RunSim(spec(a));

        assertThat(reasons(sim.plan().events())).containsExactly("Running");
        sim.at(Duration.ofSeconds(2)).failed("a", 1, 1, null);
        assertThat(reasons(sim.plan().events())).containsExactly("AttemptFailed");
        sim.at(Duration.ofSeconds(3));
        assertThat(reasons(sim.plan().events())).isEmpty();
        sim.at(Duration.ofSeconds(4)).failed("a", 2, 1, null);
        RunPlan end = sim.plan();
        assertThat(reasons(end.events())).as("no StepFailed saying what Failed says").containsExactly("AttemptFailed", "Failed");
        assertThat(end.events()).allSatisfy(e -> assertThat(e.type()).isEqualTo(RunEvent.Type.Warning));
        assertThat(end.events().get(1).message()).isEqualTo("step a failed: exit code 1 after 2 attempts");
    }

    @Test
    void conditionTransitionTimesFollowThePhase() {
        RunSim sim = new RunSim(spec(step("a")));
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
        RunSim sim = new RunSim(spec(step("a")));
        sim.generation = 7L;
        sim.plan();
        assertThat(sim.status.observedGeneration).isEqualTo(7L);
    }

    @Test
    void failBeforeStartFinishesFailedWithTheReason() {
        RunStatus s = RunOutcome.endBeforeStart(null, RunPhase.Failed, 2L, "etl", "missing required param 'table'", T0);

        assertThat(s.phase).isEqualTo(RunPhase.Failed);
        assertThat(s.message).isEqualTo("missing required param 'table'");
        assertThat(s.startedAt).isEqualTo(s.finishedAt);
        assertThat(s.duration).isEqualTo("0s");
        RunSim.assertConditionsMatchPhase(s, 2L);
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
        RunSim sim = new RunSim(spec(steps));
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
