package dev.stepwise.core;

import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A waitForEvent step: Waiting until its event is delivered to the Run (spec.events, then kept in
 * status.events), which completes it with the event's payload as output {@code payload}; or until its
 * timeout passes, which fails it (the children's runIf decides what follows). An event delivered before
 * the step began counts as soon as it begins. The timeout keeps counting while the Run is suspended.
 */
final class EventStepDriver implements StepDriver {
    static final EventStepDriver INSTANCE = new EventStepDriver();
    static final String PAYLOAD = "payload";

    @Override
    public void start(PlanState plan, StepStatus st) {
        st.phase = StepPhase.Waiting;
        advance(plan, st);
    }

    @Override
    public void advance(PlanState plan, StepStatus st) {
        Step step = plan.step(st.name);
        String event = step.event.name;
        if (plan.received(event)) {
            Map<String, String> out = Map.of(PAYLOAD, plan.payload(event));
            if (!plan.outputsFit(out)) {
                plan.finishStep(st, StepPhase.Failed, "the payload of event '" + event + "' would exceed the Run's budget for outputs");
                return;
            }
            // not redacted even for a sensitive step: the payload is in the Run's spec and status.events anyway
            plan.succeed(st, out, out);
            st.message = "event '" + event + "' received";
            return;
        }
        st.phase = StepPhase.Waiting;
        st.message = "waiting for event '" + event + "'";
        Duration timeout = GoDuration.parseOrNull(step.event.timeout);
        if (timeout == null) {
            return;
        }
        Instant deadline = Times.parse(st.startedAt).plus(timeout);
        if (!plan.now().isBefore(deadline)) {
            plan.finishStep(st, StepPhase.Failed, "no event '" + event + "' within " + step.event.timeout);
        } else {
            plan.wake(deadline);
        }
    }
}
