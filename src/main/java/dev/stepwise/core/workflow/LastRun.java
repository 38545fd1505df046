package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.WorkflowStatus;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The newest Run of a Workflow, as its status shows it. */
public final class LastRun {
    private LastRun() {
    }

    /** What of a Run its Workflow's status shows (name and creation time never change). */
    public static List<Object> fields(RunStatus s) {
        return s == null ? List.of() : Arrays.asList(s.phase, s.startedAt, s.finishedAt);
    }

    public static WorkflowStatus.RunSummary of(Collection<Run> runs) {
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
