package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.util.Map;
import java.util.Optional;

/**
 * A step a retry takes over from the Run it retries (retryMode FailedOnly) whose outputs are sensitive:
 * their real values live outside the original's status, so they are copied into this Run's store before
 * the step counts as Succeeded (dependants and later retries then read them from there). Steps without
 * sensitive outputs are taken over Succeeded at once, when the retry starts.
 */
final class ReusedStepDriver implements StepDriver {
    static final ReusedStepDriver INSTANCE = new ReusedStepDriver();

    @Override
    public void start(PlanState plan, StepStatus st) {
        advance(plan, st);
    }

    @Override
    public void advance(PlanState plan, StepStatus st) {
        Map<String, String> copied = plan.facts.observed().storedOutputs().get(st.name);
        if (copied != null) {
            plan.succeed(st, copied, Outputs.redact(copied));
            st.message = "reused from run " + plan.status.retryOf;
            return;
        }
        String from = plan.status.retryOf;
        String failure = plan.facts.results().storeFailure();
        if (failure != null) {
            st.message = StatusBudget.truncate("copying sensitive outputs from run " + from + " failed: " + failure + " (retrying)",
                    StatusBudget.MESSAGE_BYTES);
            plan.wake(plan.now().plus(ContainerStepDriver.STORE_RETRY));
            return;
        }
        Optional<Run> original = from == null ? Optional.empty() : plan.facts.runs().get(from);
        Map<String, String> real = original.map(r -> plan.facts.runs().storedOutputs(r).get(st.name)).orElse(null);
        if (real == null) {
            plan.finishStep(st, StepPhase.Failed, "its sensitive outputs from run " + from + " are gone (the Run or its Secret "
                    + from + "-outputs was deleted): retry with retryMode: All");
            return;
        }
        st.phase = StepPhase.Running;
        st.message = "copying sensitive outputs from run " + from;
        plan.store.put(st.name, real);
        plan.wake(plan.now());
    }
}
