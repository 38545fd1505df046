package dev.stepwise.core.run;

import dev.stepwise.core.run.steps.CreateResult;

import java.util.Map;

/**
 * What went wrong when a plan was carried out, fed back to the planner so that it, not the code
 * that made the API calls, decides what the Run's status says about it.
 *
 * @param creates      the outcome of each Job create that did not simply create the Job asked for, by
 *                     the Job name the plan asked for
 * @param storeFailure why the sensitive outputs could not be stored, or null
 */
public record ActionResults(Map<String, CreateResult> creates, String storeFailure) {
    public static final ActionResults NONE = new ActionResults(Map.of(), null);

    public boolean isEmpty() {
        return creates.isEmpty() && storeFailure == null;
    }
}
