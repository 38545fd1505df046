package dev.stepwise.core.run.steps;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.Step;
import dev.stepwise.api.v1alpha1.StepPhase;
import dev.stepwise.api.v1alpha1.StepStatus;
import dev.stepwise.core.expr.Templates;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a step driver may see of the plan it is part of, and the only ways it may act on it: the
 * narrow interface between the planner (which owns the Run's status and the walk of the DAG) and the
 * drivers (which move one step each). A driver never sees other steps' status or the Run object.
 */
public interface StepContext {

    Instant now();

    /** Look at the Run again by then, unless something else wakes it first. */
    void wake(Instant at);

    /** The step as the pinned revision declares it. */
    Step step(String name);

    /** The step with the workflow's defaults applied. */
    EffectiveStep effective(String name);

    String runName();

    /** The Run's namespace. */
    String namespace();

    /** The labels of the Run's namespace (what InstanceTypes' namespaceSelectors match). */
    Map<String, String> namespaceLabels();

    /** The Run's resolved params (exported as PARAM_* to every step). */
    Map<String, String> params();

    /** The Run's extra environment for one step (spec.stepParams). */
    Map<String, String> stepEnv(String step);

    /** What templates see now: params, outputs of steps that succeeded, the Run's names. */
    Templates.Context templates();

    Map<String, InstanceTypeSpec> instanceTypes();

    Duration defaultPendingTimeout();

    int disruptionRetryLimit();

    /** spec.suspend: no new attempt starts. */
    boolean suspended();

    /** The observed Job of this Run with that name, or null. */
    ObservedJob job(String jobName);

    /** Whether that Job (of a finished attempt) still has a pod that has not terminated. */
    boolean hasLivePod(String jobName);

    /** What became of this reconcile's create of that Job, or null when none was tried (or it simply worked). */
    CreateResult createResult(String jobName);

    /** Why storing sensitive outputs failed in this reconcile, or null. */
    String storeFailure();

    /** The sensitive outputs of a step kept outside status (the Run's Secret), or null when none are stored. */
    Map<String, String> storedOutputs(String step);

    /** The Run this one retries (status.retryOf), or null. */
    String retryOf();

    /** The stored sensitive outputs of a step of the Run this one retries, or null when that Run or its Secret is gone. */
    Map<String, String> retriedOutputs(String step);

    /** The payload of a delivered event, or null when it has not arrived. */
    String eventPayload(String event);

    /** Asks for a Job to be created in this reconcile. */
    void create(JobToCreate job);

    /** Asks for a Job to be deleted in this reconcile. */
    void delete(String jobName);

    /** Asks for a step's real (sensitive) outputs to be stored outside status. */
    void store(String step, Map<String, String> outputs);

    /** A Warning event on the Run. */
    void warn(String reason, String message);

    void finishStep(StepStatus st, StepPhase phase, String message);

    /** Marks a step Succeeded: {@code real} for dependants, {@code shown} in status. */
    void succeed(StepStatus st, Map<String, String> real, Map<String, String> shown);

    /** Whether {@code more} outputs still fit in the Run's budget. */
    boolean outputsFit(Map<String, String> more);

    /** Bytes of outputs the Run holds already. */
    int outputBytes();
}
