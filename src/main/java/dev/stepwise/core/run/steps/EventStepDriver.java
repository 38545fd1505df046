package dev.stepwise.core.run.steps;

import dev.stepwise.core.time.GoDuration;
import dev.stepwise.core.time.Times;

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
    static final String PAYLOAD = dev.stepwise.api.v1alpha1.EventWait.PAYLOAD_OUTPUT;

    @Override
    public void start(StepContext ctx, StepStatus st) {
        st.phase = StepPhase.Waiting;
        advance(ctx, st);
    }

    @Override
    public void advance(StepContext ctx, StepStatus st) {
        Step step = ctx.step(st.name);
        String event = step.event.name;
        String payload = ctx.eventPayload(event);
        if (payload != null) {
            Map<String, String> out = Map.of(PAYLOAD, payload);
            if (!ctx.outputsFit(out)) {
                ctx.finishStep(st, StepPhase.Failed, "the payload of event '" + event + "' would exceed the Run's budget for outputs");
                return;
            }
            // not redacted even for a sensitive step: the payload is in the Run's spec and status.events anyway
            ctx.succeed(st, out, out);
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
        if (!ctx.now().isBefore(deadline)) {
            ctx.finishStep(st, StepPhase.Failed, "no event '" + event + "' within " + step.event.timeout);
        } else {
            ctx.wake(deadline);
        }
    }
}
