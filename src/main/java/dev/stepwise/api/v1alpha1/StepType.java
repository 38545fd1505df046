package dev.stepwise.api.v1alpha1;

/** What a step does: run a container as a Job, wait for a time, or wait for an event. */
public enum StepType {
    container, sleep, waitForEvent
}
