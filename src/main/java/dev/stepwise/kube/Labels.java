package dev.stepwise.kube;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels on every Job and pod of a step attempt, so tools (and the operator) can select them. */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "stepwise";
    public static final String WORKFLOW = "stepwise.dev/workflow";
    public static final String RUN = "stepwise.dev/run";
    public static final String STEP = "stepwise.dev/step";
    public static final String ATTEMPT = "stepwise.dev/attempt";
    public static final String SELECTOR = MANAGED_BY + "=" + MANAGER;
    /** The full Run name (labels cut at 63 characters), used to map pods back to their Run. */
    public static final String RUN_ANNOTATION = "stepwise.dev/run-name";
    /** Set by the Job controller on its pods. */
    public static final String JOB_NAME = "batch.kubernetes.io/job-name";

    private Labels() {
    }

    public static Map<String, String> forAttempt(String workflow, String run, String step, int attempt) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put(WORKFLOW, truncate(workflow));
        labels.put(RUN, truncate(run));
        labels.put(STEP, step);
        labels.put(ATTEMPT, Integer.toString(attempt));
        return labels;
    }

    /** Label values are at most 63 characters; names of Runs can be longer. */
    private static String truncate(String v) {
        return v.length() <= 63 ? v : v.substring(0, 63);
    }
}
