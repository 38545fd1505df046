package dev.stepwise.core.run.steps;


import dev.stepwise.api.v1alpha1.StepStatus;
import dev.stepwise.api.v1alpha1.StepType;

/**
 * How one type of step moves, decided in one place per type: the planner opens the gate
 * (parents done, runIf, skip, when) and hands the step to its driver from then on.
 */
public interface StepDriver {

    /** The step's gate opened in this plan: begin it. */
    void start(StepContext ctx, StepStatus st);

    /** The step began in an earlier plan and has not finished: move it on. */
    void advance(StepContext ctx, StepStatus st);

    static StepDriver of(StepType type) {
        return switch (type) {
            case container -> ContainerStepDriver.INSTANCE;
            case sleep -> SleepStepDriver.INSTANCE;
            case waitForEvent -> EventStepDriver.INSTANCE;
        };
    }
}
