package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Instant;

/** A sleep step: Running until its duration has passed since it started, then Succeeded. */
final class SleepStepDriver implements StepDriver {
    static final SleepStepDriver INSTANCE = new SleepStepDriver();

    @Override
    public void start(PlanState plan, StepStatus st) {
        st.phase = StepPhase.Running;
        advance(plan, st);
    }

    @Override
    public void advance(PlanState plan, StepStatus st) {
        Instant done = Times.parse(st.startedAt).plus(GoDuration.parse(plan.step(st.name).duration));
        if (!plan.now().isBefore(done)) {
            plan.succeed(st, java.util.Map.of(), java.util.Map.of());
        } else {
            st.message = "sleeping until " + Times.format(done);
            plan.wake(done);
        }
    }
}
