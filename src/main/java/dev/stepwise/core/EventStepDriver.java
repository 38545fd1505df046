package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * A waitForEvent step: Waiting until its event arrives or its timeout passes. Events are delivered to
 * Runs by a later part of the engine; until then a wait can only time out.
 */
final class EventStepDriver implements StepDriver {
    static final EventStepDriver INSTANCE = new EventStepDriver();

    @Override
    public void start(PlanState plan, StepStatus st) {
        st.phase = StepPhase.Waiting;
        advance(plan, st);
    }

    @Override
    public void advance(PlanState plan, StepStatus st) {
        Step step = plan.step(st.name);
        st.message = "waiting for event '" + step.event.name + "'";
        Duration timeout = GoDuration.parseOrNull(step.event.timeout);
        if (timeout == null) {
            return;
        }
        Instant deadline = Times.parse(st.startedAt).plus(timeout);
        if (!plan.now().isBefore(deadline)) {
            plan.finishStep(st, StepPhase.Failed, "no event '" + step.event.name + "' within " + step.event.timeout);
        } else {
            plan.wake(deadline);
        }
    }
}
