package dev.stepwise.core.run;

import dev.stepwise.core.Fixtures;
import dev.stepwise.core.Names;
import dev.stepwise.core.run.steps.ObservedJob;
import dev.stepwise.core.start.OtherRuns;
import dev.stepwise.core.start.RevisionPinning;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepStatus;
import dev.stepwise.api.v1alpha1.WorkflowSpec;
import io.fabric8.kubernetes.api.model.Condition;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.stepwise.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** A Run under test (also for edge tests that feed the core): the planner's inputs, with the status of the last plan applied as if written back. */
public class RunSim {
    static final String RUN = "etl-x7k2p";
    final WorkflowSpec spec;
    public String runName = RUN;
    Map<String, String> params = new LinkedHashMap<>();
    boolean cancel;
    public RunStatus status;
    final Map<String, ObservedJob> jobs = new LinkedHashMap<>();
    Map<String, InstanceTypeSpec> instanceTypes = new LinkedHashMap<>();
    /** The labels of the Run's namespace. */
    Map<String, String> namespaceLabels = new LinkedHashMap<>();
    Instant now = T0;
    int logTailBytes = 2048;
    long generation = 1L;
    RunPlan last;

    public RunSim(WorkflowSpec spec) {
        this.spec = spec;
    }

    final java.util.Set<String> jobsWithLivePods = new java.util.HashSet<>();
    final Map<String, Map<String, String>> stored = new LinkedHashMap<>();
    public ActionResults results = ActionResults.NONE;
    /** Edits of the Run's spec beyond params and cancel (suspend, events, stepsToRun...), applied to every plan's Run. */
    java.util.function.Consumer<dev.stepwise.api.v1alpha1.RunSpec> runSpec = s -> { };
    /** The other Runs of the namespace (what a retry retries). */
    OtherRuns runs = OtherRuns.NONE;
    /** What notifications sent since the last plan got (fed once, then cleared). */
    java.util.List<NotificationResult> notified = new java.util.ArrayList<>();
    /** Pin through the lifecycle (RetryPinning) instead of directly with {@link #pin()}. */
    boolean pinThroughLifecycle;
    PlannerSettings settings() {
        return new PlannerSettings(logTailBytes, Duration.ofMinutes(30), 3, Duration.ofSeconds(60));
    }

    RunFacts facts() {
        Run run = Fixtures.run(runName, generation, params);
        run.getSpec().cancel = cancel;
        runSpec.accept(run.getSpec());
        run.setStatus(status);
        var revision = pin().revision();
        return new RunFacts(run, java.util.Optional::empty,
                name -> name.equals(revision.getMetadata().getName()) ? java.util.Optional.of(revision) : java.util.Optional.empty(),
                new Observed(jobs, jobsWithLivePods, () -> stored), results, instanceTypes, settings(), now, runs,
                java.util.List.copyOf(notified), namespaceLabels);
    }

    RevisionPinning.Pinned pin() {
        return new RevisionPinning.Pinned(Fixtures.revision("etl", 3, spec, "wf-uid"), params);
    }

    /** Plans, applies the status, and checks the invariants every plan must keep. */
    public RunPlan plan() {
        before = status;
        // the first plan pins directly (RunLifecycleTest covers pinning); later ones go through the lifecycle
        last = !pinThroughLifecycle && (status == null || status.revision == null) ? RunPlanner.plan(facts(), pin())
                : RunLifecycle.decide(facts());
        stored.putAll(last.storeOutputs());
        notified.clear();
        status = last.status();
        results = ActionResults.NONE;
        assertConditionsMatchPhase(status, generation);
        return last;
    }

    /** The status the last plan started from. */
    private RunStatus before;

    /**
     * The reconciler's second look: the same inputs as the last plan, with what went wrong carrying it out
     * ({@link #results}).
     */
    public RunPlan planAgain(RunPlan first) {
        status = before;
        return plan();
    }

    public RunSim at(Duration sinceT0) {
        now = T0.plus(sinceT0);
        return this;
    }

    public StepStatus step(String name) {
        return status.steps.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
    }

    public Attempt attempt(String step, int number) {
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
                job(step, attempt) + "-abcde", createdOf(step, attempt), createdOf(step, attempt), true, now, 0, null, null, outputs, false, logs));
    }

    void failed(String step, int attempt, int exitCode, String logs) {
        observe(new ObservedJob(job(step, attempt), step, attempt, createdOf(step, attempt), ObservedJob.State.FAILED,
                job(step, attempt) + "-abcde", createdOf(step, attempt), createdOf(step, attempt), true, now, exitCode, "Error", "BackoffLimitExceeded", null, false, logs));
    }

    void disrupted(String step, int attempt) {
        observe(new ObservedJob(job(step, attempt), step, attempt, createdOf(step, attempt), ObservedJob.State.FAILED,
                job(step, attempt) + "-abcde", createdOf(step, attempt), createdOf(step, attempt), true, now, null, "DisruptionTarget", "the node was drained", null, true, null));
    }

    ObservedJob active(String step, int attempt, boolean podStarted, String reason, String message) {
        return new ObservedJob(job(step, attempt), step, attempt, createdOf(step, attempt), ObservedJob.State.ACTIVE,
                job(step, attempt) + "-abcde", now, podStarted ? now : null, podStarted, null, null, reason, message, null, false, null);
    }

    String job(String step, int attempt) {
        return Names.job(runName, step, attempt);
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

    /** SPEC "Conditions and GitOps health": the four conditions always match the phase. */
    public static void assertConditionsMatchPhase(RunStatus status, long generation) {
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
            String reason = phase == RunPhase.Failed && "DeadlineExceeded".equals(c.getReason()) ? "DeadlineExceeded" : phase.name();
            assertThat(c.getReason()).as("reason of %s", c.getType()).isEqualTo(reason);
            assertThat(c.getMessage()).isEqualTo(status.message);
            assertThat(c.getObservedGeneration()).isEqualTo(generation);
            assertThat(c.getLastTransitionTime()).isNotNull();
        }
        assertThat(status.observedGeneration).isEqualTo(generation);
    }
}
