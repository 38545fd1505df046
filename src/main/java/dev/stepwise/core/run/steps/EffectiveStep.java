package dev.stepwise.core.run.steps;

import dev.stepwise.core.time.GoDuration;

import dev.stepwise.api.v1alpha1.RetryPolicy;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepDefaults;
import dev.stepwise.api.v1alpha1.WorkflowSpec;

import java.time.Duration;

/** A step's settings with the workflow's defaults applied where the step sets none. */
public record EffectiveStep(Step step, String image, String instanceType, Duration timeout,
                            Duration pendingTimeout, RetryPolicy retry) {

    public static EffectiveStep of(WorkflowSpec spec, Step step) {
        StepDefaults d = spec.defaults == null ? new StepDefaults() : spec.defaults;
        return new EffectiveStep(step,
                firstNonNull(step.image, d.image),
                firstNonNull(step.instanceType, d.instanceType),
                GoDuration.parseOrNull(firstNonNull(step.timeout, d.timeout)),
                GoDuration.parseOrNull(firstNonNull(step.pendingTimeout, d.pendingTimeout)),
                firstNonNull(step.retry, d.retry));
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }
}
