package dev.stepwise.core.run;

import dev.stepwise.core.run.steps.ObservedJob;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the operator saw of a Run's world, gathered at the Kubernetes edge.
 *
 * @param jobs             this Run's Jobs (their controller is this Run, by UID), by Job name
 * @param jobsWithLivePods names of Jobs of finished attempts that still have a pod that has not terminated
 *                         (a step never has two pods at once, so the next attempt waits for these)
 * @param stored           reads the sensitive outputs kept outside status (in a Secret owned by the Run),
 *                         by step; called only when a decision needs them
 */
public record Observed(Map<String, ObservedJob> jobs, Set<String> jobsWithLivePods,
                       Supplier<Map<String, Map<String, String>>> stored) {
    public static final Observed NOTHING = new Observed(Map.of(), Set.of(), Map::of);

    public Map<String, Map<String, String>> storedOutputs() {
        return stored.get();
    }
}
