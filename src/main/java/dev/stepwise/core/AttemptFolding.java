package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds what was observed of Jobs into the attempts of the status. A Job of this Run that status
 * does not know (created just before a crash) is adopted as its attempt, so no step runs twice.
 */
final class AttemptFolding {
    private AttemptFolding() {
    }

    static void fold(RunContext ctx, Dag dag, Map<String, StepStatus> steps, List<RunEvent> events) {
        for (ObservedJob job : ctx.jobs().values()) {
            StepStatus st = steps.get(job.step());
            if (st != null && st.attempts.stream().noneMatch(a -> a.number == job.attempt())) {
                Attempt a = new Attempt();
                a.number = job.attempt();
                a.job = job.jobName();
                a.startedAt = Times.format(job.createdAt() != null ? job.createdAt() : ctx.now());
                st.attempts.add(a);
                st.attempts.sort(Comparator.comparing(x -> x.number));
                if (st.startedAt == null) {
                    st.startedAt = a.startedAt;
                }
                if (st.phase == dev.stepwise.api.v1alpha1.StepPhase.Pending) {
                    st.phase = dev.stepwise.api.v1alpha1.StepPhase.Running;
                }
            }
        }
        for (StepStatus st : steps.values()) {
            Step step = dag.step(st.name);
            for (Attempt a : st.attempts) {
                ObservedJob job = a.isFinished() ? null : ctx.jobs().get(a.job);
                if (job != null && step != null) {
                    apply(ctx, step, a, job, events);
                }
            }
        }
    }

    private static void apply(RunContext ctx, Step step, Attempt a, ObservedJob job, List<RunEvent> events) {
        if (job.podName() != null) {
            a.pod = job.podName();
        }
        switch (job.state()) {
            case ACTIVE -> {
                a.reason = job.podStarted() ? null : job.reason();
                a.message = job.podStarted() ? null : trim(job.message());
            }
            case SUCCEEDED -> {
                finish(ctx, step, a, job);
                a.exitCode = job.exitCode() == null ? 0 : job.exitCode();
                a.reason = "Completed";
                Outputs.Parsed parsed = Outputs.parse(job.terminationMessage(), step.outputs);
                a.message = parsed.undeclared().isEmpty() ? null
                        : trim("ignored undeclared outputs: " + String.join(", ", parsed.undeclared()));
            }
            case FAILED, MISSING -> {
                finish(ctx, step, a, job);
                a.exitCode = job.exitCode();
                a.reason = job.reason() == null ? "Error" : job.reason();
                a.message = trim(job.message());
                a.disrupted = job.disrupted() ? Boolean.TRUE : null;
                events.add(new RunEvent(RunEvent.Type.Warning, "AttemptFailed", "step " + step.name + " attempt "
                        + a.number + " failed: " + RunPlanner.describeFailure(a) + (job.disrupted() ? " (disrupted, retried)" : "")));
            }
        }
    }

    private static void finish(RunContext ctx, Step step, Attempt a, ObservedJob job) {
        a.finishedAt = Times.format(job.finishedAt() != null ? job.finishedAt() : ctx.now());
        if (job.logs() != null) {
            a.logs = step.redacted() ? Outputs.REDACTED : StatusBudget.tail(job.logs(), ctx.logTailBytes());
        }
    }

    private static String trim(String message) {
        return message == null || message.isBlank() ? null : StatusBudget.truncate(message, StatusBudget.MESSAGE_BYTES);
    }

    /** Outputs as status shows them: the declared values, or [REDACTED] for a sensitive step. */
    static Map<String, String> outputsForStatus(RunContext ctx, Step step, Attempt last) {
        ObservedJob job = ctx.jobs().get(last.job);
        Map<String, String> values = job == null ? new LinkedHashMap<>()
                : Outputs.parse(job.terminationMessage(), step.outputs).values();
        return step.redacted() ? Outputs.redact(values) : values;
    }

    /** The real outputs of a succeeded step, for templates and when: status, or the pod's message if redacted. */
    static Map<String, String> realOutputs(RunContext ctx, Step step, StepStatus st) {
        if (!step.redacted()) {
            return st.outputs == null ? Map.of() : st.outputs;
        }
        Attempt last = st.attempts.isEmpty() ? null : st.attempts.get(st.attempts.size() - 1);
        ObservedJob job = last == null ? null : ctx.jobs().get(last.job);
        return job == null ? Map.of() : Outputs.parse(job.terminationMessage(), step.outputs).values();
    }
}
