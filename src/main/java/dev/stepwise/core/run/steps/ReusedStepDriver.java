package dev.stepwise.core.run.steps;

import dev.stepwise.core.status.StatusBudget;

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
public final class ReusedStepDriver implements StepDriver {
    public static final ReusedStepDriver INSTANCE = new ReusedStepDriver();

    @Override
    public void start(StepContext ctx, StepStatus st) {
        advance(ctx, st);
    }

    @Override
    public void advance(StepContext ctx, StepStatus st) {
        Map<String, String> copied = ctx.storedOutputs(st.name);
        if (copied != null) {
            ctx.succeed(st, copied, Outputs.redact(copied));
            st.message = "reused from run " + ctx.retryOf();
            return;
        }
        String from = ctx.retryOf();
        String failure = ctx.storeFailure();
        if (failure != null) {
            st.message = StatusBudget.truncate("copying sensitive outputs from run " + from + " failed: " + failure + " (retrying)",
                    StatusBudget.MESSAGE_BYTES);
            ctx.wake(ctx.now().plus(ContainerStepDriver.STORE_RETRY));
            return;
        }
        Map<String, String> real = from == null ? null : ctx.retriedOutputs(st.name);
        if (real == null) {
            ctx.finishStep(st, StepPhase.Failed, "its sensitive outputs from run " + from + " are gone (the Run or its Secret "
                    + from + "-outputs was deleted): retry with retryMode: All");
            return;
        }
        st.phase = StepPhase.Running;
        st.message = "copying sensitive outputs from run " + from;
        ctx.store(st.name, real);
        ctx.wake(ctx.now());
    }
}
