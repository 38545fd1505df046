package dev.stepwise.core.run;

import dev.stepwise.core.run.steps.ContainerStepDriver;
import dev.stepwise.core.run.steps.Outputs;
import dev.stepwise.core.status.StatusBudget;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link StatusBudget} to a whole Run status after every plan: lists at most the allowed
 * attempts per step, and cuts log tails and messages to their share of the Run's budget. Outputs are
 * bounded where a step succeeds (see {@link ContainerStepDriver}); the Run's own message (also its
 * conditions') is one message of at most {@link StatusBudget#MESSAGE_BYTES}.
 */
final class StatusTrim {
    private StatusTrim() {
    }

    static void apply(RunStatus status, int configuredTailBytes) {
        int keep = StatusBudget.attemptsPerStep(status.steps.size());
        int attempts = 0;
        int messages = 0;
        for (StepStatus s : status.steps) {
            dropOldAttempts(s, keep);
            attempts += s.attempts.size();
            messages += 1 + s.attempts.size();
        }
        int tail = StatusBudget.tailBytesPerAttempt(configuredTailBytes, attempts);
        int message = StatusBudget.messageBytes(messages);
        for (StepStatus s : status.steps) {
            s.message = StatusBudget.truncate(s.message, message);
            for (Attempt a : s.attempts) {
                a.message = StatusBudget.truncate(a.message, message);
                if (a.logs != null && !Outputs.REDACTED.equals(a.logs)) {
                    a.logs = StatusBudget.tail(a.logs, tail);
                }
            }
        }
    }

    /**
     * Keeps the first attempt, every free (disrupted) one and the latest ones. Attempts are numbered
     * consecutively, so the planner still counts failures from the numbers of what is kept.
     */
    static void dropOldAttempts(StepStatus s, int keep) {
        if (s.attempts.size() <= keep) {
            return;
        }
        List<Attempt> out = new ArrayList<>(s.attempts);
        int i = 1;
        while (out.size() > keep && i < out.size() - 1) {
            Attempt a = out.get(i);
            if (a.isFinished() && !a.lostToDisruption()) {
                out.remove(i);
            } else {
                i++;
            }
        }
        s.attempts = out;
    }
}
