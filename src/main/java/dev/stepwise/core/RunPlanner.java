package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import dev.stepwise.api.v1alpha1.StepType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The heart of Stepwise: (pinned revision, Run, observed Jobs, now) → (next status, Jobs to create,
 * Jobs to delete, events, when to look again). Pure: no API calls, no clock of its own, so every
 * rule is a plain unit test. It never mutates its input.
 */
public final class RunPlanner {
    private final RunContext ctx;
    private final Dag dag;
    private final RunStatus status;
    private final Map<String, StepStatus> steps = new LinkedHashMap<>();
    private final List<JobToCreate> create = new ArrayList<>();
    private final List<String> delete = new ArrayList<>();
    private final List<RunEvent> events = new ArrayList<>();
    private Instant wakeAt;

    private RunPlanner(RunContext ctx) {
        this.ctx = ctx;
        this.dag = Dag.of(ctx.template().steps);
        this.status = StatusCopy.of(ctx.status());
    }

    public static RunPlan plan(RunContext ctx) {
        return new RunPlanner(ctx).decide();
    }

    private RunPlan decide() {
        RunPhase before = status.phase;
        if (before != null && before.isFinished()) {
            return new RunPlan(status, false, List.of(), List.of(), List.of(), null);
        }
        start();
        AttemptFolding.fold(ctx, dag, steps, events);
        if (ctx.cancel()) {
            cancel();
        } else {
            for (String name : dag.topologicalOrder()) {
                advance(name);
            }
        }
        if (RunOutcome.settle(status, ctx.cancel(), ctx.generation(), ctx.now(), before, events)) {
            wakeAt = null;
        }
        LogBudget.apply(status, ctx.logTailBytes());
        boolean changed = !StatusCopy.same(ctx.status(), status);
        if (changed && !status.phase.isFinished()) {
            // refreshed only along with a change that is written anyway: no status write of its own
            status.duration = GoDuration.format(Duration.between(Times.parse(status.startedAt), ctx.now()));
        }
        Duration requeue = wakeAt == null ? null : Duration.between(ctx.now(), wakeAt);
        if (requeue != null && requeue.isNegative()) {
            requeue = Duration.ZERO;
        }
        return new RunPlan(status, changed, create, delete, events, requeue);
    }

    /** First sight of the Run: one Pending entry per step, in the workflow's order. */
    private void start() {
        if (status.steps.isEmpty()) {
            dag.names().forEach(n -> status.steps.add(new StepStatus(n, StepPhase.Pending)));
        }
        if (status.startedAt == null) {
            status.startedAt = Times.format(ctx.now());
        }
        status.workflow = ctx.workflowName();
        status.revision = ctx.revisionName();
        status.params = new LinkedHashMap<>(ctx.params());
        if (status.trigger == null) {
            status.trigger = "manual";
        }
        status.steps.forEach(s -> steps.put(s.name, s));
        status.phase = RunPhase.Running;
    }

    private void cancel() {
        for (StepStatus st : steps.values()) {
            if (st.phase.isFinished()) {
                continue;
            }
            for (Attempt a : st.attempts) {
                if (!a.isFinished()) {
                    delete.add(a.job);
                    a.finishedAt = Times.format(ctx.now());
                    a.reason = "Cancelled";
                    a.message = "the Run was cancelled";
                }
            }
            finishStep(st, StepPhase.Cancelled, "the Run was cancelled");
        }
    }

    private void advance(String name) {
        StepStatus st = steps.get(name);
        if (st.phase.isFinished()) {
            return;
        }
        Step step = dag.step(name);
        EffectiveStep settings = EffectiveStep.of(ctx.template(), step);
        if (!st.attempts.isEmpty()) {
            advanceAttempts(st, settings);
            return;
        }
        switch (step.typeOrDefault()) {
            case sleep -> {
                if (st.startedAt != null) {
                    advanceSleep(st, step);
                    return;
                }
            }
            case waitForEvent -> {
                if (st.startedAt != null) {
                    advanceWait(st, step);
                    return;
                }
            }
            default -> {
            }
        }
        List<String> parents = dag.parents(name);
        if (parents.stream().anyMatch(p -> !steps.get(p).phase.isFinished())) {
            return;
        }
        StepGate.Decision d = StepGate.decide(step, parents, outcomes(parents), skippingAncestor(name),
                ctx.params(), stepFacts());
        switch (d.verdict()) {
            case SKIP -> finishStep(st, StepPhase.Skipped, d.message());
            case FAIL -> finishStep(st, StepPhase.Failed, d.message());
            case RUN -> begin(st, step, settings);
        }
    }

    private void begin(StepStatus st, Step step, EffectiveStep settings) {
        st.startedAt = Times.format(ctx.now());
        st.message = null;
        switch (step.typeOrDefault()) {
            case container -> startAttempt(st, settings, 1);
            case sleep -> {
                st.phase = StepPhase.Running;
                advanceSleep(st, step);
            }
            case waitForEvent -> {
                st.phase = StepPhase.Waiting;
                advanceWait(st, step);
            }
        }
    }

    private void advanceSleep(StepStatus st, Step step) {
        Instant done = Times.parse(st.startedAt).plus(GoDuration.parse(step.duration));
        if (!ctx.now().isBefore(done)) {
            finishStep(st, StepPhase.Succeeded, null);
        } else {
            st.message = "sleeping until " + Times.format(done);
            wakeAt(done);
        }
    }

    /** Events are delivered by a later part of the engine; until then a wait can only time out. */
    private void advanceWait(StepStatus st, Step step) {
        st.message = "waiting for event '" + step.event.name + "'";
        Duration timeout = GoDuration.parseOrNull(step.event.timeout);
        if (timeout == null) {
            return;
        }
        Instant deadline = Times.parse(st.startedAt).plus(timeout);
        if (!ctx.now().isBefore(deadline)) {
            finishStep(st, StepPhase.Failed, "no event '" + step.event.name + "' within " + step.event.timeout);
        } else {
            wakeAt(deadline);
        }
    }

    private void advanceAttempts(StepStatus st, EffectiveStep settings) {
        Attempt last = st.attempts.get(st.attempts.size() - 1);
        if (!last.isFinished()) {
            st.phase = StepPhase.Running;
            st.nextRetryAt = null;
            checkPendingTimeout(last, settings);
            if (!last.isFinished()) {
                return;
            }
        }
        if ("Completed".equals(last.reason)) {
            st.outputs = AttemptFolding.outputsForStatus(ctx, dag.step(st.name), last);
            finishStep(st, StepPhase.Succeeded, null);
            return;
        }
        int counted = (int) st.attempts.stream().filter(a -> a.isFinished() && !a.lostToDisruption()).count();
        if (last.lostToDisruption() || Retries.shouldRetry(settings.retry(), counted, last.exitCode)) {
            Instant at = last.lostToDisruption() ? ctx.now()
                    : Times.parse(last.finishedAt).plus(Retries.delayBeforeRetry(settings.retry(), counted));
            if (!ctx.now().isBefore(at)) {
                startAttempt(st, settings, last.number + 1);
            } else {
                st.phase = StepPhase.Waiting;
                st.nextRetryAt = Times.format(at);
                st.message = "retrying after " + describeFailure(last);
                wakeAt(at);
            }
            return;
        }
        long attempts = st.attempts.size();
        finishStep(st, StepPhase.Failed, describeFailure(last) + " after " + attempts + (attempts == 1 ? " attempt" : " attempts"));
    }

    /** An attempt whose pod never ran by pendingTimeout fails with the pod's reason. */
    private void checkPendingTimeout(Attempt a, EffectiveStep settings) {
        ObservedJob job = ctx.jobs().get(a.job);
        Duration timeout = settings.pendingTimeout();
        if (timeout == null || job == null || job.podStarted() || a.startedAt == null) {
            return;
        }
        Instant deadline = Times.parse(a.startedAt).plus(timeout);
        if (ctx.now().isBefore(deadline)) {
            wakeAt(deadline);
            return;
        }
        delete.add(a.job);
        String why = a.reason == null ? "Pending" : a.reason;
        a.finishedAt = Times.format(ctx.now());
        a.reason = why;
        a.message = "pod not running after " + GoDuration.format(timeout) + (a.message == null || a.message.isBlank() ? "" : ": " + a.message);
        events.add(new RunEvent(RunEvent.Type.Warning, "AttemptFailed",
                "step " + job.step() + " attempt " + a.number + " failed: " + why + " (pending timeout)"));
    }

    private void startAttempt(StepStatus st, EffectiveStep settings, int number) {
        Step step = dag.step(st.name);
        String jobName = JobNames.of(ctx.runName(), st.name, number);
        Attempt a = new Attempt();
        a.number = number;
        a.job = jobName;
        a.startedAt = Times.format(ctx.now());
        st.attempts.add(a);
        st.phase = StepPhase.Running;
        st.nextRetryAt = null;
        st.message = null;
        InstanceTypeSpec it = instanceTypeFor(settings);
        create.add(new JobToCreate(jobName, st.name, number, StepTemplating.resolve(step, templateContext()), settings,
                it, ctx.params()));
    }

    private InstanceTypeSpec instanceTypeFor(EffectiveStep settings) {
        if (settings.instanceType() != null) {
            return ctx.instanceTypes().get(settings.instanceType());
        }
        return ctx.instanceTypes().values().stream().filter(InstanceTypeSpec::isDefaultType).findFirst().orElse(null);
    }

    private Templates.Context templateContext() {
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        for (StepStatus s : steps.values()) {
            if (s.phase == StepPhase.Succeeded) {
                outputs.put(s.name, AttemptFolding.realOutputs(ctx, dag.step(s.name), s));
            }
        }
        return new Templates.Context(ctx.params(), outputs, ctx.runName(), ctx.namespace(), ctx.workflowName());
    }

    private Map<String, WhenExpressions.StepFacts> stepFacts() {
        Map<String, WhenExpressions.StepFacts> facts = new LinkedHashMap<>();
        Map<String, Map<String, String>> outputs = templateContext().outputs();
        for (StepStatus s : steps.values()) {
            facts.put(s.name, new WhenExpressions.StepFacts(s.phase.name(), outputs.getOrDefault(s.name, Map.of())));
        }
        return facts;
    }

    private List<StepGate.Outcome> outcomes(List<String> names) {
        return names.stream().map(this::outcome).collect(Collectors.toList());
    }

    private StepGate.Outcome outcome(String name) {
        return StepGate.outcomeOf(dag.step(name), steps.get(name).phase, outcomes(dag.parents(name)));
    }

    private String skippingAncestor(String name) {
        for (String other : dag.names()) {
            if (dag.step(other).skipsDownstream() && dag.isAncestor(other, name)) {
                return other;
            }
        }
        return null;
    }

    private void finishStep(StepStatus st, StepPhase phase, String message) {
        st.phase = phase;
        st.message = message == null ? null : StatusBudget.truncate(message, StatusBudget.MESSAGE_BYTES);
        st.nextRetryAt = null;
        st.finishedAt = Times.format(ctx.now());
        if (phase == StepPhase.Failed) {
            events.add(new RunEvent(RunEvent.Type.Warning, "StepFailed", "step " + st.name + " failed: " + message));
        }
    }

    static String describeFailure(Attempt a) {
        if (a.exitCode != null) {
            return "exit code " + a.exitCode + ("Error".equals(a.reason) || a.reason == null ? "" : " (" + a.reason + ")");
        }
        String why = a.reason == null ? "failed" : a.reason;
        // without an exit code the message is the story (a refused Job, a pod that never ran)
        return a.message == null || a.message.isBlank() ? why : why + " (" + a.message + ")";
    }

    private void wakeAt(Instant t) {
        if (wakeAt == null || t.isBefore(wakeAt)) {
            wakeAt = t;
        }
    }

}
