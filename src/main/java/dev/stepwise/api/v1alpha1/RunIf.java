package dev.stepwise.api.v1alpha1;

/** Which outcomes of a step's parents let it run; otherwise it is Skipped. */
public enum RunIf {
    AllSucceeded, AllDone, AnySucceeded, AnyFailed, AllFailed
}
