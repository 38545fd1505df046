package dev.stepwise.core.run;

import dev.stepwise.core.run.steps.ContainerStepDriver;
import dev.stepwise.core.run.steps.ObservedJob;
import dev.stepwise.core.run.steps.Outputs;
import dev.stepwise.core.status.StatusBudget;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * Folds what was observed of this Run's Jobs into the attempts of the status. A Job of this Run that
 * status does not know yet (created just before a crash, or by a create whose answer was lost) is
 * adopted as its attempt, so no step runs twice. Jobs reach here only when their controller is this
 * Run by UID: a Job left by an earlier Run of the same name is never folded in.
 */
final class AttemptFolding {
    private AttemptFolding() {
    }

    static void fold(PlanState plan) {
        for (ObservedJob job : plan.facts.observed().jobs().values()) {
            adopt(plan, job);
        }
        for (StepStatus st : plan.steps.values()) {
            Step step = plan.dag.step(st.name);
            if (step == null || st.attempts.isEmpty()) {
                continue;
            }
            Attempt last = st.attempts.get(st.attempts.size() - 1);
            ObservedJob job = last.isFinished() || last.job == null ? null : plan.facts.observed().jobs().get(last.job);
            if (job != null) {
                apply(plan, st, step, last, job);
            }
        }
    }

    /** A Job newer than every attempt status knows, or one that status asked for without seeing it created. */
    private static void adopt(PlanState plan, ObservedJob job) {
        StepStatus st = plan.steps.get(job.step());
        if (st == null || st.phase.isFinished()) {
            return;
        }
        Attempt last = st.attempts.isEmpty() ? null : st.attempts.get(st.attempts.size() - 1);
        if (last != null && last.number == job.attempt() && last.job == null && !last.isFinished()) {
            last.job = job.jobName();
            last.reason = null;
            last.message = null;
            st.nextRetryAt = null;
            st.message = null;
            return;
        }
        if (last != null && job.attempt() <= last.number) {
            return;
        }
        Attempt a = new Attempt();
        a.number = job.attempt();
        a.job = job.jobName();
        a.startedAt = Times.format(job.createdAt() != null ? job.createdAt() : plan.now());
        st.attempts.add(a);
        if (st.startedAt == null) {
            st.startedAt = a.startedAt;
        }
        st.phase = StepPhase.Running;
        st.nextRetryAt = null;
        st.message = null;
    }

    /**
     * When a new pod's name alone is worth a status write of its own: once the step's container has
     * run for {@link #POD_NAME_AFTER_START}, or the pod has waited {@link #POD_NAME_WHILE_WAITING} to
     * start without a reason to show. A quick step's end brings the name along in the same write (one
     * write fewer per step); time a pod spends queued for the scheduler or a busy node does not count
     * as the step running, so a burst of quick steps is not a burst of extra writes.
     */
    static final Duration POD_NAME_AFTER_START = Duration.ofSeconds(2);
    static final Duration POD_NAME_WHILE_WAITING = Duration.ofSeconds(10);

    /** When the pod's name alone is due in status, or null when that cannot be told (then: now). */
    private static Instant podNameDue(ObservedJob job) {
        if (job.containerStartedAt() != null) {
            return job.containerStartedAt().plus(POD_NAME_AFTER_START);
        }
        Instant since = job.podCreatedAt() != null ? job.podCreatedAt() : job.createdAt();
        return since == null ? null : since.plus(POD_NAME_WHILE_WAITING);
    }

    private static void apply(PlanState plan, StepStatus st, Step step, Attempt a, ObservedJob job) {
        if (job.podName() != null && !job.podName().equals(a.pod)) {
            boolean nothingElseToShow = job.state() == ObservedJob.State.ACTIVE && job.reason() == null && !job.disrupted();
            Instant due = podNameDue(job);
            if (nothingElseToShow && due != null && plan.now().isBefore(due)) {
                plan.wake(due);
            } else {
                a.pod = job.podName();
            }
        }
        switch (job.state()) {
            case ACTIVE -> {
                boolean show = !job.podStarted() || job.disrupted();
                a.reason = show ? job.reason() : null;
                a.message = show ? trim(job.message()) : null;
                if (job.disrupted()) {
                    // remembered now: the pod may be gone by the time its Job fails
                    a.disrupted = Boolean.TRUE;
                }
            }
            case SUCCEEDED -> {
                finish(plan, step, a, job);
                a.exitCode = job.exitCode() == null ? 0 : job.exitCode();
                a.reason = "Completed";
                Outputs.Parsed parsed = Outputs.parse(job.terminationMessage(), step.outputs);
                a.message = parsed.undeclared().isEmpty() ? null
                        : trim("ignored undeclared outputs: " + String.join(", ", parsed.undeclared()));
                a.disrupted = null;
            }
            case FAILED, MISSING -> {
                finish(plan, step, a, job);
                boolean known = a.lostToDisruption();
                boolean disrupted = job.disrupted() || known;
                a.exitCode = job.exitCode();
                // a disruption seen while the pod lived keeps its reason, even when the pod is gone now
                if (!known || a.reason == null) {
                    a.reason = job.reason() == null ? "Error" : job.reason();
                    a.message = trim(job.message());
                }
                a.disrupted = disrupted ? Boolean.TRUE : null;
                plan.warn("AttemptFailed", "step " + st.name + " attempt " + a.number + " failed: "
                        + ContainerStepDriver.describeFailure(a) + (disrupted ? " (disrupted)" : ""));
            }
        }
    }

    private static void finish(PlanState plan, Step step, Attempt a, ObservedJob job) {
        a.finishedAt = Times.format(job.finishedAt() != null ? job.finishedAt() : plan.now());
        if (job.logs() != null) {
            a.logs = step.redacted() ? Outputs.REDACTED : StatusBudget.tail(job.logs(), plan.facts.settings().logTailBytes());
        }
    }

    private static String trim(String message) {
        return message == null || message.isBlank() ? null : StatusBudget.truncate(message, StatusBudget.MESSAGE_BYTES);
    }
}
