package dev.stepwise.core.run.steps;

import dev.stepwise.api.v1alpha1.InstanceTypeSpec;
import dev.stepwise.api.v1alpha1.Step;

import java.util.Map;

/**
 * An attempt to start: everything the Job builder needs, templates already resolved.
 *
 * @param step         the step with command, args and env values resolved
 * @param instanceType the InstanceType's spec, or null when the step has none
 * @param params       resolved params, exported as PARAM_* env vars
 * @param stepEnv      the Run's extra env vars for this step (spec.stepParams), set last
 * @param secretEnv    env vars read from the Run's outputs Secret (env name to Secret key): the sensitive
 *                     outputs of other steps this one's templates use, which appear in command, args and
 *                     env values only as {@code $(NAME)}, never as text
 */
public record JobToCreate(String name, String stepName, int attempt, Step step, EffectiveStep settings,
                          InstanceTypeSpec instanceType, Map<String, String> params, Map<String, String> stepEnv,
                          Map<String, String> secretEnv) {

    public JobToCreate(String name, String stepName, int attempt, Step step, EffectiveStep settings,
                       InstanceTypeSpec instanceType, Map<String, String> params, Map<String, String> stepEnv) {
        this(name, stepName, attempt, step, settings, instanceType, params, stepEnv, Map.of());
    }

    public JobToCreate(String name, String stepName, int attempt, Step step, EffectiveStep settings,
                       InstanceTypeSpec instanceType, Map<String, String> params) {
        this(name, stepName, attempt, step, settings, instanceType, params, Map.of());
    }

    /** The same request under another Job name. */
    public JobToCreate named(String other) {
        return new JobToCreate(other, stepName, attempt, step, settings, instanceType, params, stepEnv, secretEnv);
    }
}
