package dev.stepwise.core.run;

import dev.stepwise.core.Fixtures;
import dev.stepwise.core.run.steps.JobToCreate;
import dev.stepwise.core.start.OtherRuns;
import dev.stepwise.core.start.RevisionPinning;
import dev.stepwise.core.workflow.WorkflowValidator;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunSpec;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Step;
import io.fabric8.kubernetes.api.model.EnvVar;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import io.fabric8.kubernetes.api.model.Condition;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.stepwise.core.Fixtures.retry;
import static dev.stepwise.core.Fixtures.spec;
import static dev.stepwise.core.Fixtures.step;
import static dev.stepwise.core.Fixtures.waitStep;
import static dev.stepwise.core.Fixtures.withArgs;
import static dev.stepwise.core.Fixtures.withOutputs;
import static org.assertj.core.api.Assertions.assertThat;

/** Run control (SPEC "Run"): retryOf, stepsToRun, suspend, events, stepParams and the whole Run's timeout. */
class RunControlTest {

    /** extract (output rows) -> load (reads it) -> report. */
    private static WorkflowSpec etl() {
        Step extract = withOutputs(step("extract"), "rows");
        Step load = withArgs(step("load", "extract"), "--rows", "{{steps.extract.outputs.rows}}");
        Step report = step("report", "load");
        return Fixtures.withParams(spec(extract, load, report), new dev.stepwise.api.v1alpha1.Param("date", "today"));
    }

    private static List<String> created(RunPlan plan) {
        return plan.create().stream().map(JobToCreate::stepName).toList();
    }

    /** Runs etl to the end with load failing (exit 2, no retries): the Run a retry retries. */
    private static Run failedOriginal() {
        RunSim sim = new RunSim(etl());
        sim.runName = "etl-first";
        sim.params.put("date", "2026-11-01");
        sim.plan();
        sim.at(Duration.ofSeconds(10)).succeeded("extract", 1, "rows=42", "extracted");
        sim.plan();
        sim.at(Duration.ofSeconds(20)).failed("load", 1, 2, "boom");
        sim.plan();
        assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
        Run original = Fixtures.run("etl-first", 1, sim.params);
        original.setStatus(sim.status);
        return original;
    }

    private static RunSim retryOf(Run original, RunSpec.RetryMode mode) {
        RunSim sim = new RunSim(etl());
        sim.runName = "etl-retry";
        sim.pinThroughLifecycle = true;
        sim.runSpec = s -> {
            s.retryOf = original.getMetadata().getName();
            s.retryMode = mode;
        };
        sim.runs = runs(original, Map.of());
        return sim.at(Duration.ofMinutes(5));
    }

    private static OtherRuns runs(Run original, Map<String, Map<String, String>> stored) {
        return new OtherRuns() {
            @Override
            public Optional<Run> get(String name) {
                return name.equals(original.getMetadata().getName()) ? Optional.of(original) : Optional.empty();
            }

            @Override
            public Map<String, Map<String, String>> storedOutputs(Run run) {
                return stored;
            }
        };
    }

    @Nested
    class Retry {
        @Test
        void failedOnlyReusesWhatSucceededWithItsOutputsAndRunsTheRest() {
            RunSim sim = retryOf(failedOriginal(), null);
            RunPlan first = sim.plan();

            assertThat(sim.status.trigger).isEqualTo("retry");
            assertThat(sim.status.retryOf).isEqualTo("etl-first");
            assertThat(sim.status.revision).isEqualTo("etl-r3");
            assertThat(sim.status.params).containsEntry("date", "2026-11-01");
            assertThat(sim.step("extract").phase).isEqualTo(StepPhase.Succeeded);
            assertThat(sim.step("extract").reused).isTrue();
            assertThat(sim.step("extract").outputs).containsEntry("rows", "42");
            assertThat(sim.step("extract").attempts).isEmpty();
            assertThat(sim.step("extract").message).isEqualTo("reused from run etl-first");
            // load runs at once, with the reused output in its command
            assertThat(created(first)).containsExactly("load");
            assertThat(first.create().get(0).step().args).containsExactly("--rows", "42");
            assertThat(sim.status.progress).isEqualTo("1/3");

            sim.at(Duration.ofMinutes(6)).succeeded("load", 1, null, "ok");
            sim.plan();
            sim.at(Duration.ofMinutes(7)).succeeded("report", 1, null, "ok");
            sim.plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Succeeded);
            assertThat(sim.step("load").reused).isNull();
        }

        @Test
        void allReplaysEveryStepOnTheOriginalsRevisionAndParams() {
            RunSim sim = retryOf(failedOriginal(), RunSpec.RetryMode.All);
            RunPlan first = sim.plan();
            assertThat(created(first)).containsExactly("extract");
            assertThat(sim.step("extract").reused).isNull();
            assertThat(sim.status.trigger).isEqualTo("retry");
            assertThat(first.create().get(0).params()).containsEntry("date", "2026-11-01");
        }

        @Test
        void paramsOfTheRetryOverrideTheOriginalsKeyByKey() {
            Run original = failedOriginal();
            RunSim sim = retryOf(original, null);
            sim.params.put("date", "2026-11-02");
            sim.plan();
            assertThat(sim.status.params).containsEntry("date", "2026-11-02");
        }

        @Test
        void retryingARunThatIsStillRunningOrMissingFailsAtOnce() {
            Run running = Fixtures.run("etl-first", 1, Map.of());
            running.setStatus(new RunStatus());
            running.getStatus().phase = RunPhase.Running;
            RunSim sim = retryOf(running, null);
            RunPlan plan = sim.plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
            assertThat(sim.status.message).isEqualTo("retryOf: run 'etl-first' has not finished (phase Running); "
                    + "retry it once it has finished");
            assertThat(plan.create()).isEmpty();

            RunSim missing = retryOf(running, null);
            missing.runs = OtherRuns.NONE;
            missing.plan();
            assertThat(missing.status.phase).isEqualTo(RunPhase.Failed);
            assertThat(missing.status.message).isEqualTo("retryOf: run 'etl-first' not found");
        }

        @Test
        void aRetryOfAnotherWorkflowsRunOrOfARevisionPublishedAgainFails() {
            Run original = failedOriginal();
            original.getStatus().workflow = "billing";
            RunSim other = retryOf(original, null);
            other.plan();
            assertThat(other.status.message).isEqualTo("retryOf: run 'etl-first' is a Run of workflow 'billing', not of 'etl'");

            Run again = failedOriginal();
            RunSim sim = new RunSim(etl()) {
                @Override
                RevisionPinning.Pinned pin() {
                    var rev = Fixtures.revision("etl", 3, spec, "wf-uid-2");
                    rev.getMetadata().setCreationTimestamp(Fixtures.T0.plus(Duration.ofMinutes(3)).toString());
                    return new RevisionPinning.Pinned(rev, params);
                }
            };
            sim.runName = "etl-retry";
            sim.pinThroughLifecycle = true;
            sim.runSpec = s -> s.retryOf = "etl-first";
            sim.runs = runs(again, Map.of());
            sim.at(Duration.ofMinutes(5)).plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
            assertThat(sim.status.message).contains("revision 'etl-r3' was published again after run 'etl-first' ran");
        }

        @Test
        void reusedSensitiveOutputsAreCopiedIntoTheRetrysStoreBeforeTheStepCountsAsDone() {
            WorkflowSpec wf = etl();
            wf.steps.get(0).sensitive = true;
            RunSim first = new RunSim(wf);
            first.runName = "etl-first";
            first.plan();
            first.at(Duration.ofSeconds(10)).succeeded("extract", 1, "rows=42", "secret log");
            first.plan();
            first.plan(); // stored, then succeeded
            first.at(Duration.ofSeconds(20)).failed("load", 1, 2, "boom");
            first.plan();
            assertThat(first.status.phase).isEqualTo(RunPhase.Failed);
            assertThat(first.step("extract").outputs).containsEntry("rows", "[REDACTED]");
            Run original = Fixtures.run("etl-first", 1, Map.of());
            original.setStatus(first.status);

            RunSim sim = new RunSim(wf);
            sim.runName = "etl-retry";
            sim.pinThroughLifecycle = true;
            sim.runSpec = s -> s.retryOf = "etl-first";
            sim.runs = runs(original, Map.of("extract", Map.of("rows", "42")));
            RunPlan copy = sim.at(Duration.ofMinutes(5)).plan();
            assertThat(copy.storeOutputs()).containsEntry("extract", Map.of("rows", "42"));
            assertThat(copy.create()).isEmpty();
            assertThat(sim.step("extract").phase).isEqualTo(StepPhase.Running);

            RunPlan next = sim.plan();
            assertThat(sim.step("extract").phase).isEqualTo(StepPhase.Succeeded);
            assertThat(sim.step("extract").reused).isTrue();
            assertThat(sim.step("extract").outputs).containsEntry("rows", "[REDACTED]");
            // read from the retry's own Secret, where the copy went: never as text in the Job
            assertThat(next.create().get(0).step().args).containsExactly("--rows", "$(STEPWISE_SECRET_EXTRACT__ROWS)");
            assertThat(next.create().get(0).secretEnv()).containsEntry("STEPWISE_SECRET_EXTRACT__ROWS", "extract.outputs.rows");
        }

        @Test
        void reusedSensitiveOutputsThatAreGoneFailTheStepSayingWhatToDo() {
            WorkflowSpec wf = etl();
            wf.steps.get(0).sensitive = true;
            Run original = failedOriginal();
            original.getStatus().steps.get(0).outputs = new LinkedHashMap<>(Map.of("rows", "[REDACTED]"));
            RunSim sim = new RunSim(wf);
            sim.runName = "etl-retry";
            sim.pinThroughLifecycle = true;
            sim.runSpec = s -> s.retryOf = "etl-first";
            sim.runs = runs(original, Map.of());
            sim.at(Duration.ofMinutes(5)).plan();
            assertThat(sim.step("extract").phase).isEqualTo(StepPhase.Failed);
            assertThat(sim.step("extract").message).contains("retry with retryMode: All");
            assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
        }
    }

    @Nested
    class Subset {
        @Test
        void onlySelectedStepsAndTheirDownstreamRunTheRestAreSkippedWithAReason() {
            WorkflowSpec wf = spec(step("a"), step("b", "a"), step("c", "b"), step("d", "a"));
            RunSim sim = new RunSim(wf);
            sim.runSpec = s -> s.stepsToRun = List.of(new RunSpec.StepSelector("b", true));
            RunPlan first = sim.plan();
            assertThat(created(first)).containsExactly("b");
            assertThat(sim.step("a").phase).isEqualTo(StepPhase.Skipped);
            assertThat(sim.step("a").message).isEqualTo("not selected by spec.stepsToRun");
            assertThat(sim.step("d").phase).isEqualTo(StepPhase.Skipped);
            sim.at(Duration.ofSeconds(5)).succeeded("b", 1, null, null);
            assertThat(created(sim.plan())).containsExactly("c");
            sim.at(Duration.ofSeconds(9)).succeeded("c", 1, null, null);
            sim.plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Succeeded);
        }

        @Test
        void withoutDownstreamOnlyTheNamedStepsRun() {
            WorkflowSpec wf = spec(step("a"), step("b", "a"), step("c", "b"));
            RunSim sim = new RunSim(wf);
            sim.runSpec = s -> s.stepsToRun = List.of(new RunSpec.StepSelector("b", false));
            assertThat(created(sim.plan())).containsExactly("b");
            assertThat(sim.step("c").phase).isEqualTo(StepPhase.Skipped);
        }

        @Test
        void aSelectedStepNeedingAnOutputOfAStepThatDidNotRunFailsNamingIt() {
            RunSim sim = new RunSim(etl());
            sim.runSpec = s -> s.stepsToRun = List.of(new RunSpec.StepSelector("load", false));
            RunPlan plan = sim.plan();
            assertThat(plan.create()).isEmpty();
            assertThat(sim.step("load").phase).isEqualTo(StepPhase.Failed);
            assertThat(sim.step("load").message).startsWith("needs output 'rows' of step 'extract', which did not run");
            assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
        }

        @Test
        void aRetryWithASubsetReusesOutputsOfStepsItDoesNotRun() {
            RunSim sim = retryOf(failedOriginal(), null);
            sim.runSpec = sim.runSpec.andThen(s -> s.stepsToRun = List.of(new RunSpec.StepSelector("load", false)));
            RunPlan first = sim.plan();
            assertThat(created(first)).containsExactly("load");
            assertThat(first.create().get(0).step().args).containsExactly("--rows", "42");
            assertThat(sim.step("report").phase).isEqualTo(StepPhase.Skipped);
        }

        @Test
        void unknownStepNamesInStepsToRunOrStepParamsFailTheRunBeforeItStarts() {
            RunSim sim = new RunSim(etl());
            sim.pinThroughLifecycle = true;
            sim.runs = OtherRuns.NONE;
            Run original = failedOriginal();
            sim.runs = runs(original, Map.of());
            sim.runSpec = s -> {
                s.retryOf = "etl-first";
                s.stepsToRun = List.of(new RunSpec.StepSelector("lod", false));
                s.stepParams = Map.of("extract", Map.of("BAD=NAME", "1"), "nope", Map.of("X", "1"));
            };
            sim.runName = "etl-retry";
            sim.at(Duration.ofMinutes(5)).plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
            assertThat(sim.status.message)
                    .contains("stepsToRun names unknown step 'lod' (steps: extract, load, report)")
                    .contains("stepParams names unknown step 'nope'")
                    .contains("stepParams.extract: 'BAD=NAME' is not a valid environment variable name");
        }
    }

    @Nested
    class Suspend {
        @Test
        void startsNoNewStepsLetsRunningOnesFinishAndResumesWhereItStopped() {
            WorkflowSpec wf = spec(step("a"), step("b", "a"));
            RunSim sim = new RunSim(wf);
            boolean[] suspended = {false};
            sim.runSpec = s -> s.suspend = suspended[0];
            sim.plan();
            sim.running("a", 1);
            suspended[0] = true;
            RunPlan p = sim.at(Duration.ofSeconds(2)).plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Running);
            assertThat(sim.status.message).isEqualTo("suspending: no new steps start; waiting for a to finish");
            assertThat(p.delete()).isEmpty();

            sim.at(Duration.ofSeconds(5)).succeeded("a", 1, null, null);
            RunPlan held = sim.plan();
            assertThat(held.create()).isEmpty();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Suspended);
            assertThat(sim.step("b").phase).isEqualTo(StepPhase.Pending);
            assertThat(sim.step("b").message).isEqualTo(RunPlanner.HELD);
            assertThat(held.events()).extracting(RunEvent::reason).contains("Suspended");
            // suspended is idempotent: nothing changes on another look
            assertThat(sim.at(Duration.ofMinutes(1)).plan().statusChanged()).isFalse();

            suspended[0] = false;
            RunPlan resumed = sim.at(Duration.ofMinutes(2)).plan();
            assertThat(created(resumed)).containsExactly("b");
            assertThat(sim.status.phase).isEqualTo(RunPhase.Running);
            assertThat(sim.step("b").message).isNull();
        }

        @Test
        void aRetryDueWhileSuspendedWaitsForResume() {
            Step flaky = step("flaky");
            flaky.retry = retry(2, dev.stepwise.api.v1alpha1.RetryPolicy.Backoff.constant, "10s", null);
            RunSim sim = new RunSim(spec(flaky));
            boolean[] suspended = {false};
            sim.runSpec = s -> s.suspend = suspended[0];
            sim.plan();
            sim.at(Duration.ofSeconds(3)).failed("flaky", 1, 1, "no");
            suspended[0] = true;
            sim.plan();
            assertThat(sim.step("flaky").nextRetryAt).isNotNull();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Suspended);
            RunPlan due = sim.at(Duration.ofSeconds(30)).plan();
            assertThat(due.create()).isEmpty();
            assertThat(sim.step("flaky").message).startsWith("retry held: the Run is suspended");
            suspended[0] = false;
            assertThat(created(sim.at(Duration.ofSeconds(40)).plan())).containsExactly("flaky");
        }

        @Test
        void cancelWhileSuspendedCancels() {
            RunSim sim = new RunSim(spec(step("a"), step("b", "a")));
            sim.runSpec = s -> s.suspend = true;
            sim.plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Suspended);
            sim.cancel = true;
            sim.plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Cancelled);
            assertThat(sim.step("a").phase).isEqualTo(StepPhase.Cancelled);
        }
    }

    @Nested
    class Events {
        private WorkflowSpec approval() {
            Step approve = waitStep("approve", "approval", "1h");
            Step deploy = withArgs(step("deploy", "approve"), "{{steps.approve.outputs.payload}}");
            return spec(approve, deploy);
        }

        @Test
        void anEventCompletesItsStepWithThePayloadAndStaysDeliveredWhenSpecForgetsIt() {
            RunSim sim = new RunSim(approval());
            List<RunSpec.EventDelivery> sent = new ArrayList<>();
            sim.runSpec = s -> s.events = new ArrayList<>(sent);
            sim.plan();
            assertThat(sim.step("approve").phase).isEqualTo(StepPhase.Waiting);
            assertThat(sim.step("approve").message).isEqualTo("waiting for event 'approval'");

            sent.add(new RunSpec.EventDelivery("approval", "ok by alice"));
            RunPlan p = sim.at(Duration.ofMinutes(1)).plan();
            assertThat(sim.step("approve").phase).isEqualTo(StepPhase.Succeeded);
            assertThat(sim.step("approve").outputs).containsEntry("payload", "ok by alice");
            assertThat(p.create().get(0).step().args).containsExactly("ok by alice");
            assertThat(sim.status.events).singleElement().satisfies(e -> {
                assertThat(e.name).isEqualTo("approval");
                assertThat(e.payload).isEqualTo("ok by alice");
                assertThat(e.deliveredAt).isNotNull();
            });
            assertThat(p.events()).extracting(RunEvent::reason).contains("EventReceived");

            // a GitOps sync re-applies the Run without the event: the approval stands
            sent.clear();
            sim.at(Duration.ofMinutes(2)).plan();
            assertThat(sim.status.events).hasSize(1);
            assertThat(sim.step("approve").phase).isEqualTo(StepPhase.Succeeded);
        }

        /** Defect: 100 events of 4 KiB (and their copy in spec) could push a Run past the object limit. */
        @Test
        void eventPayloadsPast64KiBTogetherAreIgnoredSayingWhy() {
            RunSim sim = new RunSim(approval());
            List<RunSpec.EventDelivery> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(new RunSpec.EventDelivery("e" + i, "x".repeat(4096)));
            }
            sim.runSpec = s -> s.events = new ArrayList<>(sent);
            var p = sim.plan();
            assertThat(sim.status.events).as("16 x 4 KiB = 64 KiB").hasSize(16);
            assertThat(p.events()).filteredOn(e -> e.reason().equals("EventIgnored")).hasSize(4).first()
                    .satisfies(e -> assertThat(e.message()).isEqualTo(
                            "event 'e16' ignored: the payloads of a Run's events may take at most 64 KiB together"));
        }

        @Test
        void anEventSentBeforeTheStepBeginsCountsWhenItBegins() {
            WorkflowSpec wf = approval();
            wf.steps.get(0).dependsOn = new ArrayList<>(List.of("build"));
            wf.steps.add(0, step("build"));
            RunSim sim = new RunSim(wf);
            sim.runSpec = s -> s.events = List.of(new RunSpec.EventDelivery("approval", null));
            sim.plan();
            assertThat(sim.step("approve").phase).isEqualTo(StepPhase.Pending);
            assertThat(sim.status.events).hasSize(1);
            sim.at(Duration.ofSeconds(5)).succeeded("build", 1, null, null);
            sim.plan();
            assertThat(sim.step("approve").phase).isEqualTo(StepPhase.Succeeded);
            assertThat(sim.step("approve").outputs).containsEntry("payload", "");
        }

        @Test
        void withoutTheEventTheTimeoutFailsTheStep() {
            RunSim sim = new RunSim(approval());
            RunPlan first = sim.plan();
            assertThat(first.requeueAfter()).isEqualTo(Duration.ofHours(1));
            sim.at(Duration.ofHours(1)).plan();
            assertThat(sim.step("approve").phase).isEqualTo(StepPhase.Failed);
            assertThat(sim.step("approve").message).isEqualTo("no event 'approval' within 1h");
            assertThat(sim.step("deploy").phase).isEqualTo(StepPhase.Skipped);
        }

        @Test
        void theWorkflowValidatorKnowsTheWaitStepsPayloadOutput() {
            assertThat(WorkflowValidator.validate(approval(), new WorkflowValidator.InstanceTypes(java.util.Set.of(), List.of()))).isEmpty();
        }
    }

    @Nested
    class StepParams {
        @Test
        void stepParamsGoToTheirStepOnly() {
            Step a = step("a");
            a.env = new ArrayList<>(List.of(new EnvVar("LIMIT", "1", null)));
            RunSim sim = new RunSim(spec(a, step("b")));
            sim.runSpec = s -> s.stepParams = Map.of("a", Map.of("LIMIT", "10"));
            RunPlan plan = sim.plan();
            Map<String, Map<String, String>> env = new LinkedHashMap<>();
            plan.create().forEach(j -> env.put(j.stepName(), j.stepEnv()));
            assertThat(env).containsEntry("a", Map.of("LIMIT", "10")).containsEntry("b", Map.of());
        }
    }

    @Nested
    class Timeout {
        @Test
        void pastTheWorkflowsTimeoutRunningJobsStopAndTheRunFailsWithDeadlineExceeded() {
            WorkflowSpec wf = spec(step("a"), step("b"), step("c", "a"));
            wf.timeout = "10m";
            RunSim sim = new RunSim(wf);
            RunPlan first = sim.plan();
            assertThat(first.requeueAfter()).isEqualTo(Duration.ofMinutes(10));
            sim.running("a", 1);
            sim.at(Duration.ofMinutes(1)).succeeded("b", 1, null, null);
            sim.plan();

            RunPlan end = sim.at(Duration.ofMinutes(10)).plan();
            assertThat(end.delete()).containsExactly(sim.job("a", 1));
            assertThat(sim.status.phase).isEqualTo(RunPhase.Failed);
            assertThat(sim.status.message).isEqualTo("the Run exceeded its timeout of 10m (DeadlineExceeded)");
            assertThat(sim.status.conditions).extracting(Condition::getReason).containsOnly("DeadlineExceeded");
            assertThat(sim.attempt("a", 1).reason).isEqualTo("DeadlineExceeded");
            assertThat(sim.step("a").phase).isEqualTo(StepPhase.Failed);
            assertThat(sim.step("b").phase).isEqualTo(StepPhase.Succeeded);
            assertThat(sim.step("c").phase).isEqualTo(StepPhase.Skipped);
            assertThat(sim.step("c").message).isEqualTo("not started: the Run's timeout of 10m passed");
            assertThat(end.events()).extracting(RunEvent::reason).contains("DeadlineExceeded");
        }

        @Test
        void theRunsTimeoutOverridesTheWorkflows() {
            WorkflowSpec wf = spec(step("a"));
            wf.timeout = "10m";
            RunSim sim = new RunSim(wf);
            sim.runSpec = s -> s.timeout = "1h";
            assertThat(sim.plan().requeueAfter()).isEqualTo(Duration.ofHours(1));
            sim.running("a", 1);
            sim.at(Duration.ofMinutes(30)).plan();
            assertThat(sim.status.phase).isEqualTo(RunPhase.Running);
        }
    }
}
