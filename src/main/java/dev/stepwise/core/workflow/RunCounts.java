package dev.stepwise.core.workflow;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** A Workflow's Runs by phase, every phase listed (zeros included) so the status reads the same way always. */
public final class RunCounts {
    private RunCounts() {
    }

    public static Map<String, Integer> of(Collection<Run> runs) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RunPhase p : RunPhase.values()) {
            counts.put(p.name(), 0);
        }
        for (Run r : runs) {
            RunPhase p = r.getStatus() == null || r.getStatus().phase == null ? RunPhase.Pending : r.getStatus().phase;
            counts.merge(p.name(), 1, Integer::sum);
        }
        return counts;
    }
}
