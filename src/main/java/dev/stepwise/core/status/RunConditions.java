package dev.stepwise.core.status;

import dev.stepwise.api.v1alpha1.RunPhase;

import java.util.List;

/**
 * The conditions of a Run for its phase (SPEC "Conditions and GitOps health"): Succeeded for
 * kubectl wait, Ready/Reconciling/Stalled for kstatus (Flux). Reasons are the phase names (DeadlineExceeded for a Run past its timeout).
 */
public final class RunConditions {
    public static final String SUCCEEDED = "Succeeded";
    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";

    private RunConditions() {
    }

    public static List<Conditions.Desired> forPhase(RunPhase phase, String message) {
        return forPhase(phase, phase.name(), message);
    }

    /** With a reason of its own, e.g. DeadlineExceeded for a Run that failed by its timeout. */
    public static List<Conditions.Desired> forPhase(RunPhase phase, String reason, String message) {
        return switch (phase) {
            case Succeeded -> List.of(
                    new Conditions.Desired(SUCCEEDED, Conditions.TRUE, reason, message),
                    new Conditions.Desired(READY, Conditions.TRUE, reason, message),
                    new Conditions.Desired(RECONCILING, Conditions.FALSE, reason, message),
                    new Conditions.Desired(STALLED, Conditions.FALSE, reason, message));
            case Failed, Cancelled -> List.of(
                    new Conditions.Desired(SUCCEEDED, Conditions.FALSE, reason, message),
                    new Conditions.Desired(READY, Conditions.FALSE, reason, message),
                    new Conditions.Desired(RECONCILING, Conditions.FALSE, reason, message),
                    new Conditions.Desired(STALLED, Conditions.TRUE, reason, message));
            default -> List.of(
                    new Conditions.Desired(SUCCEEDED, Conditions.UNKNOWN, reason, message),
                    new Conditions.Desired(READY, Conditions.FALSE, reason, message),
                    new Conditions.Desired(RECONCILING, Conditions.TRUE, reason, message),
                    new Conditions.Desired(STALLED, Conditions.FALSE, reason, message));
        };
    }
}
