package dev.stepwise.reconcile;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.WorkflowStatus;

import java.util.Collection;
import java.util.Comparator;

/** The newest Run of a Workflow, as its status shows it. */
final class LastRun {
    private LastRun() {
    }

    static WorkflowStatus.RunSummary of(Collection<Run> runs) {
        return runs.stream()
                .max(Comparator.comparing((Run r) -> r.getMetadata().getCreationTimestamp() == null ? "" : r.getMetadata().getCreationTimestamp())
                        .thenComparing(r -> r.getMetadata().getName()))
                .map(r -> {
                    WorkflowStatus.RunSummary s = new WorkflowStatus.RunSummary();
                    s.name = r.getMetadata().getName();
                    if (r.getStatus() != null) {
                        s.phase = r.getStatus().phase;
                        s.startedAt = r.getStatus().startedAt;
                        s.finishedAt = r.getStatus().finishedAt;
                    }
                    return s;
                })
                .orElse(null);
    }
}
