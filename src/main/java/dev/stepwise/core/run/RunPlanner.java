package dev.stepwise.core.run;

import dev.stepwise.core.expr.StepTemplating;
import dev.stepwise.core.expr.Templates;
import dev.stepwise.core.run.steps.ReusedStepDriver;
import dev.stepwise.core.run.steps.StepDriver;
import dev.stepwise.core.start.RevisionPinning;
import dev.stepwise.core.status.StatusCopy;
import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a Run that has pinned its revision: (revision, Run, observed Jobs and pods, now) → (next
 * status, Jobs to create and delete, outputs to store, events, when to look again). Pure: no API
 * calls, no clock of its own, and it never mutates its input.
 *
 * <p>The DAG is walked once, in topological order. Each step's outcome for its children and the
 * ancestor that skips it are computed once, from its parents' (already computed), so a plan costs
 * time linear in steps plus edges whatever the shape (a ladder of diamonds included).
 */
final class RunPlanner {
    static final String NOT_SELECTED = "not selected by spec.stepsToRun";
    static final String HELD = "not started: the Run is suspended (spec.suspend: true)";
    private final PlanState plan;
    private final RevisionPinning.Pinned pin;
    private final Map<String, StepGate.Outcome> outcomes = new HashMap<>();
    private final Map<String, String> skippedBy = new HashMap<>();

    private RunPlanner(PlanState plan, RevisionPinning.Pinned pin) {
        this.plan = plan;
        this.pin = pin;
    }

    static RunPlan plan(RunFacts facts, RevisionPinning.Pinned pin) {
        RunStatus before = facts.run().getStatus();
        RunStatus status = StatusCopy.of(before);
        var spec = pin.revision().getSpec();
        PlanState plan = new PlanState(facts, spec.workflow, pin.revision().getMetadata().getName(), spec.template,
                pin.params(), status);
        return new RunPlanner(plan, pin).decide(before);
    }

    private RunPlan decide(RunStatus before) {
        RunPhase phaseBefore = before == null ? null : before.phase;
        start();
        plan.index();
        AttemptFolding.fold(plan);
        RunOutcome.Ending ending = null;
        RunDeadline deadline = RunDeadline.of(plan.facts.run().getSpec().timeout, plan.template.timeout, plan.status.startedAt);
        if (plan.facts.cancel()) {
            ending = RunOutcome.Ending.CANCEL;
            stop("Cancelled", "the Run was cancelled", StepPhase.Cancelled, "the Run was cancelled", StepPhase.Cancelled,
                    "the Run was cancelled");
        } else if (deadline != null && deadline.passed(plan.now())) {
            ending = RunOutcome.Ending.deadline(deadline.timeout());
            String why = "the Run's timeout of " + deadline.timeout() + " passed";
            stop("DeadlineExceeded", why, StepPhase.Failed, "stopped: " + why, StepPhase.Skipped, "not started: " + why);
        } else {
            for (String name : plan.dag.topologicalOrder()) {
                advance(name);
            }
            if (deadline != null) {
                plan.wake(deadline.at());
            }
        }
        deleteJobsOfSensitiveSteps();
        RunStatus status = plan.status;
        if (RunOutcome.settle(status, ending, plan.suspended(), plan.facts.generation(), plan.now(), phaseBefore, plan.events)) {
            plan.clearWake();
        }
        StatusTrim.apply(status, plan.facts.settings().logTailBytes());
        boolean changed = !StatusCopy.same(before, status);
        if (changed && !status.phase.isFinished()) {
            // refreshed only along with a change that is written anyway: no status write of its own
            status.duration = GoDuration.format(Duration.between(Times.parse(status.startedAt), plan.now()));
        }
        Duration requeue = plan.wakeAt() == null ? null : Duration.between(plan.now(), plan.wakeAt());
        if (requeue != null && requeue.isNegative()) {
            requeue = Duration.ZERO;
        }
        return new RunPlan(status, changed, plan.create, plan.delete, plan.store, plan.events, requeue);
    }

    /**
     * A sensitive step that Succeeded has its outputs in the Run's Secret: its Jobs go now, with their pods,
     * whose termination messages hold the outputs in plain text for anyone who may get pods (the Jobs' TTL
     * would keep them for hours). Asked again while the cache still shows them; a delete of a Job that is
     * gone is no error.
     */
    private void deleteJobsOfSensitiveSteps() {
        for (StepStatus st : plan.steps.values()) {
            if (st.phase != StepPhase.Succeeded || plan.step(st.name) == null || !plan.step(st.name).redacted()) {
                continue;
            }
            for (Attempt a : st.attempts) {
                if (a.job != null && plan.job(a.job) != null && !plan.delete.contains(a.job)) {
                    plan.delete.add(a.job);
                }
            }
        }
    }

    /** First sight of the pinned Run: one Pending entry per step, in the workflow's order. */
    private void start() {
        RunStatus status = plan.status;
        if (status.steps.isEmpty()) {
            plan.dag.names().forEach(n -> status.steps.add(new StepStatus(n, StepPhase.Pending)));
            if (pin.retryOf() != null) {
                status.retryOf = pin.retryOf().getMetadata().getName();
                status.trigger = "retry";
                if (plan.facts.run().getSpec().retryModeOrDefault() == dev.stepwise.api.v1alpha1.RunSpec.RetryMode.FailedOnly) {
                    Reuse.takeOver(status, pin.retryOf(), plan.dag);
                }
            }
        }
        if (status.startedAt == null) {
            status.startedAt = Times.format(plan.now());
        }
        status.workflow = plan.workflowName;
        status.revision = plan.revisionName;
        if (status.revisionUid == null) {
            status.revisionUid = pin.revision().getMetadata().getUid();
        }
        status.params = new LinkedHashMap<>(plan.params);
        if (status.trigger == null) {
            status.trigger = triggerOf(plan.facts.run());
        }
        status.phase = RunPhase.Running;
    }

    /**
     * Ends every unfinished step now (cancel, or the Run's timeout): open attempts stop and their Jobs go;
     * steps that began end {@code begun}, steps that never began end {@code notBegun}.
     */
    private void stop(String attemptReason, String attemptMessage, StepPhase begun, String begunMessage,
                      StepPhase notBegun, String notBegunMessage) {
        for (StepStatus st : plan.steps.values()) {
            if (st.phase.isFinished()) {
                continue;
            }
            for (Attempt a : st.attempts) {
                if (!a.isFinished()) {
                    if (a.job != null) {
                        plan.delete.add(a.job);
                    }
                    a.finishedAt = Times.format(plan.now());
                    a.reason = attemptReason;
                    a.message = attemptMessage;
                }
            }
            boolean began = st.startedAt != null || !st.attempts.isEmpty();
            plan.finishStep(st, began ? begun : notBegun, began ? begunMessage : notBegunMessage);
        }
    }

    private void advance(String name) {
        StepStatus st = plan.steps.get(name);
        Step step = plan.dag.step(name);
        List<String> parents = plan.dag.parents(name);
        skippedBy.put(name, skippingAncestor(parents));
        boolean selected = plan.selected(name);
        if (!st.phase.isFinished()) {
            boolean began = st.startedAt != null || !st.attempts.isEmpty();
            if (Boolean.TRUE.equals(st.reused)) {
                ReusedStepDriver.INSTANCE.advance(plan, st);
            } else if (!selected && !began) {
                plan.finishStep(st, StepPhase.Skipped, NOT_SELECTED);
            } else if (began) {
                StepDriver.of(step.typeOrDefault()).advance(plan, st);
            } else if (parents.stream().allMatch(p -> plan.steps.get(p).phase.isFinished())) {
                if (plan.suspended()) {
                    st.message = HELD;
                } else {
                    open(st, step, parents, StepDriver.of(step.typeOrDefault()));
                }
            }
        }
        if (st.phase.isFinished()) {
            // a step left out by stepsToRun stands aside: the selected steps below it still run
            outcomes.put(name, !selected && st.phase == StepPhase.Skipped ? StepGate.Outcome.SUCCESS
                    : StepGate.outcomeOf(step, st.phase, outcomesOf(parents)));
        }
    }

    /** All parents are done: runIf, skip and when decide whether the step runs. */
    private void open(StepStatus st, Step step, List<String> parents, StepDriver driver) {
        StepGate.Decision d = StepGate.decide(step, parents, outcomesOf(parents), skippedBy.get(st.name),
                plan.params, plan.stepFacts());
        switch (d.verdict()) {
            case SKIP -> plan.finishStep(st, StepPhase.Skipped, d.message());
            case FAIL -> plan.finishStep(st, StepPhase.Failed, d.message());
            case RUN -> {
                String missing = missingOutput(step);
                if (missing != null) {
                    plan.finishStep(st, StepPhase.Failed, missing);
                    return;
                }
                st.startedAt = Times.format(plan.now());
                st.message = null;
                driver.start(plan, st);
            }
        }
    }

    /** What started the Run: the operator labels the Runs it creates itself (schedule, webhook). */
    static String triggerOf(dev.stepwise.api.v1alpha1.Run run) {
        var labels = run.getMetadata().getLabels();
        String t = labels == null ? null : labels.get(RunLifecycle.TRIGGER_LABEL);
        return "schedule".equals(t) || "webhook".equals(t) ? t : "manual";
    }

    /** A template of the step that reads an output of a step stepsToRun left out: it would be empty, so say so. */
    private String missingOutput(Step step) {
        for (String text : StepTemplating.texts(step)) {
            for (Templates.Ref ref : Templates.references(text)) {
                if (ref.step() != null && !plan.selected(ref.step()) && !hasOutputs(ref.step())) {
                    return "needs output '" + ref.output() + "' of step '" + ref.step() + "', which did not run "
                            + "(not selected by spec.stepsToRun): select it too, or retry a Run where it succeeded";
                }
            }
        }
        return null;
    }

    private boolean hasOutputs(String step) {
        StepStatus st = plan.steps.get(step);
        return st != null && st.phase == StepPhase.Succeeded;
    }

    /** Parents are walked before their children, so their outcomes are known when asked for. */
    private List<StepGate.Outcome> outcomesOf(List<String> parents) {
        List<StepGate.Outcome> out = new ArrayList<>(parents.size());
        for (String p : parents) {
                out.add(outcomes.get(p));
        }
        return out;
    }

    /** The nearest ancestor with skip + skipDownstream, from the parents' own answers. */
    private String skippingAncestor(List<String> parents) {
        for (String p : parents) {
                if (plan.dag.step(p).skipsDownstream()) {
                return p;
            }
            String above = skippedBy.get(p);
            if (above != null) {
                return above;
            }
        }
        return null;
    }
}
