package dev.stepwise.core.run;

import dev.stepwise.core.graph.Dag;
import dev.stepwise.core.run.steps.ReusedStepDriver;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A retry's takeover (retryMode FailedOnly): every step that Succeeded in the original Run is Succeeded
 * here too, {@code reused: true}, with its times and outputs. A step whose real outputs are sensitive
 * (kept outside the original's status) is left to {@link ReusedStepDriver}, which copies them first.
 */
final class Reuse {
    private Reuse() {
    }

    static void takeOver(RunStatus status, Run original, Dag dag) {
        String from = original.getMetadata().getName();
        Map<String, StepStatus> before = new LinkedHashMap<>();
        original.getStatus().steps.forEach(s -> before.put(s.name, s));
        for (StepStatus st : status.steps) {
            StepStatus old = before.get(st.name);
            if (old == null || old.phase != StepPhase.Succeeded) {
                continue;
            }
            st.reused = true;
            st.startedAt = old.startedAt;
            boolean copyFirst = dag.step(st.name).redacted() && old.outputs != null && !old.outputs.isEmpty();
            if (copyFirst) {
                st.phase = StepPhase.Running;
                st.message = "copying sensitive outputs from run " + from;
                continue;
            }
            st.phase = StepPhase.Succeeded;
            st.finishedAt = old.finishedAt;
            st.outputs = old.outputs == null ? new LinkedHashMap<>() : new LinkedHashMap<>(old.outputs);
            st.message = "reused from run " + from;
        }
    }
}
