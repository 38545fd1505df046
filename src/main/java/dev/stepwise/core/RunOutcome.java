package dev.stepwise.core;

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
     * Sets progress, phase, message, conditions and the phase-change event from the steps.
     *
     * @return true when the Run has finished
     */
    static boolean settle(RunStatus status, boolean cancel, Long generation, Instant now, RunPhase before,
                          List<RunEvent> events) {
        boolean finished = false;
        long done = status.steps.stream().filter(s -> s.phase.isFinished()).count();
        status.progress = done + "/" + status.steps.size();
        if (done == status.steps.size()) {
            List<StepStatus> failed = status.steps.stream()
                    .filter(s -> s.phase == StepPhase.Failed).toList();
            if (cancel) {
                status.phase = RunPhase.Cancelled;
                status.message = "cancelled (spec.cancel: true)";
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
            List<String> running = status.steps.stream().filter(s -> s.phase == StepPhase.Running
                    || s.phase == StepPhase.Waiting).map(s -> s.name).toList();
            status.message = running.isEmpty() ? "starting" : "running: " + String.join(", ", running.subList(0, Math.min(5, running.size())))
                    + (running.size() > 5 ? " and " + (running.size() - 5) + " more" : "");
        }
        status.message = StatusBudget.truncate(status.message, StatusBudget.MESSAGE_BYTES);
        status.observedGeneration = generation;
        status.conditions = Conditions.apply(status.conditions, RunConditions.forPhase(status.phase, status.message),
                List.of(), generation, now);
        if (before != status.phase) {
            RunEvent.Type type = status.phase == RunPhase.Failed ? RunEvent.Type.Warning : RunEvent.Type.Normal;
            events.add(new RunEvent(type, status.phase.name(), status.message));
        }
        return finished;
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
