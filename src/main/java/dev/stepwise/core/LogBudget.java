package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Attempt;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepStatus;

/** Shrinks every log tail of a Run to its share of the Run's log budget. */
final class LogBudget {
    private LogBudget() {
    }

    static void apply(RunStatus status, int configuredTailBytes) {
        int attempts = status.steps.stream().mapToInt(s -> s.attempts.size()).sum();
        int per = StatusBudget.tailBytesPerAttempt(configuredTailBytes, attempts);
        for (StepStatus s : status.steps) {
            for (Attempt a : s.attempts) {
                if (a.logs != null && !Outputs.REDACTED.equals(a.logs)) {
                    a.logs = StatusBudget.tail(a.logs, per);
                }
            }
        }
    }
}
