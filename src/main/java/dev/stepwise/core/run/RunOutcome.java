package dev.stepwise.core.run;

import dev.stepwise.core.status.Conditions;
import dev.stepwise.core.status.RunConditions;
import dev.stepwise.core.status.StatusBudget;
import dev.stepwise.core.status.StatusCopy;
import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.RunPhase;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The Run-level view of its steps: progress, phase, message, conditions and phase events. */
public final class RunOutcome {
    private RunOutcome() {
    }

    /**
     * How a Run is being ended before its steps finished by themselves: cancelled, or past its timeout.
     *
     * @param reason the conditions' reason (the phase name, or DeadlineExceeded)
     */
    record Ending(RunPhase phase, String reason, String message) {
        static final Ending CANCEL = new Ending(RunPhase.Cancelled, RunPhase.Cancelled.name(), "cancelled (spec.cancel: true)");

        static Ending deadline(String timeout) {
            return new Ending(RunPhase.Failed, "DeadlineExceeded", "the Run exceeded its timeout of " + timeout
                    + " (DeadlineExceeded)");
        }
    }

    /**
     * Sets progress, phase, message, conditions and the phase-change event from the steps.
     *
     * @param ending    why the Run is being ended early, or null
     * @param suspended spec.suspend: the Run is Suspended once no Job of it runs
     * @return true when the Run has finished
     */
    static boolean settle(RunStatus status, Ending ending, boolean suspended, Long generation, Instant now, RunPhase before,
                          List<RunEvent> events) {
        boolean finished = false;
        String reason = null;
        long done = status.steps.stream().filter(s -> s.phase.isFinished()).count();
        status.progress = done + "/" + status.steps.size();
        if (done == status.steps.size()) {
            List<StepStatus> failed = status.steps.stream()
                    .filter(s -> s.phase == StepPhase.Failed).toList();
            if (ending != null) {
                status.phase = ending.phase();
                status.message = ending.message();
                reason = ending.reason();
            } else if (failed.isEmpty()) {
                status.phase = RunPhase.Succeeded;
                status.message = "all " + status.steps.size() + " steps done";
            } else {
                status.phase = RunPhase.Failed;
                StepStatus first = failed.get(0);
                status.message = "step " + first.name + " failed: " + first.message
                        + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more failed steps)" : "");
            }
            status.finishedAt = Times.format(now);
            status.duration = GoDuration.format(Duration.between(Times.parse(status.startedAt), now));
            finished = true;
        } else {
            List<String> running = status.steps.stream().filter(RunOutcome::hasOpenAttempt).map(s -> s.name).toList();
            if (suspended && running.isEmpty()) {
                status.phase = RunPhase.Suspended;
                status.message = "suspended (spec.suspend: true): " + done + " of " + status.steps.size()
                        + " steps done; set suspend to false to go on";
            } else {
                status.phase = RunPhase.Running;
                List<String> busy = suspended ? running : status.steps.stream().filter(s -> s.phase == StepPhase.Running
                        || s.phase == StepPhase.Waiting).map(s -> s.name).toList();
                String names = String.join(", ", busy.subList(0, Math.min(5, busy.size())))
                        + (busy.size() > 5 ? " and " + (busy.size() - 5) + " more" : "");
                status.message = suspended ? "suspending: no new steps start; waiting for " + names + " to finish"
                        : busy.isEmpty() ? "starting" : "running: " + names;
            }
        }
        status.message = StatusBudget.truncate(status.message, StatusBudget.MESSAGE_BYTES);
        status.observedGeneration = generation;
        status.conditions = Conditions.apply(status.conditions,
                RunConditions.forPhase(status.phase, reason == null ? status.phase.name() : reason, status.message),
                List.of(), generation, now);
        if (before != status.phase) {
            RunEvent.Type type = status.phase == RunPhase.Failed ? RunEvent.Type.Warning : RunEvent.Type.Normal;
            // the step whose failure fails the Run is told once, by the Run's Failed event
            String message = status.message;
            events.removeIf(e -> "StepFailed".equals(e.reason()) && e.message().equals(message));
            events.add(new RunEvent(type, reason == null ? status.phase.name() : reason, status.message));
        }
        return finished;
    }

    /** A step with an attempt whose Job may run (or is still to be created): what suspend waits for. */
    private static boolean hasOpenAttempt(StepStatus s) {
        return !s.phase.isFinished() && !s.attempts.isEmpty() && !s.attempts.get(s.attempts.size() - 1).isFinished();
    }

    /** Ends a Run before any step started: Failed (invalid workflow, missing param...) or Cancelled. */
    static RunStatus endBeforeStart(RunStatus current, RunPhase phase, Long generation, String workflow, String message,
                                    Instant now) {
        RunStatus s = StatusCopy.of(current);
        s.workflow = workflow;
        s.phase = phase;
        s.message = StatusBudget.truncate(message, StatusBudget.MESSAGE_BYTES);
        if (s.startedAt == null) {
            s.startedAt = Times.format(now);
        }
        s.finishedAt = Times.format(now);
        s.duration = GoDuration.format(Duration.between(Times.parse(s.startedAt), now));
        s.progress = "0/" + s.steps.size();
        s.observedGeneration = generation;
        s.conditions = Conditions.apply(s.conditions, RunConditions.forPhase(phase, s.message), List.of(),
                generation, now);
        return s;
    }
}
