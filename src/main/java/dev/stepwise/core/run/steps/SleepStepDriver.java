package dev.stepwise.core.run.steps;

import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Instant;

/** A sleep step: Running until its duration has passed since it started, then Succeeded. */
final class SleepStepDriver implements StepDriver {
    static final SleepStepDriver INSTANCE = new SleepStepDriver();

    @Override
    public void start(StepContext ctx, StepStatus st) {
        st.phase = StepPhase.Running;
        advance(ctx, st);
    }

    @Override
    public void advance(StepContext ctx, StepStatus st) {
        Instant done = Times.parse(st.startedAt).plus(GoDuration.parse(ctx.step(st.name).duration));
        if (!ctx.now().isBefore(done)) {
            ctx.succeed(st, java.util.Map.of(), java.util.Map.of());
        } else {
            st.message = "sleeping until " + Times.format(done);
            ctx.wake(done);
        }
    }
}
