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

    /**
     * Label values are at most 63 characters and must begin and end with an alphanumeric character;
     * names of Runs can be longer, and a cut can end in '-' or '.'.
     */
    public static String truncate(String v) {
        if (v.length() <= 63) {
            return v;
        }
        String cut = v.substring(0, 63);
        int end = cut.length();
        while (end > 0 && !Character.isLetterOrDigit(cut.charAt(end - 1))) {
            end--;
        }
        return cut.substring(0, end);
    }

    /** The controller owner reference's UID, or null. */
    public static String controllerUid(io.fabric8.kubernetes.api.model.HasMetadata o) {
        var ref = controller(o);
        return ref == null ? null : ref.getUid();
    }

    /** The controller owner reference, or null. */
    public static io.fabric8.kubernetes.api.model.OwnerReference controller(io.fabric8.kubernetes.api.model.HasMetadata o) {
        for (var ref : o.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(ref.getController())) {
                return ref;
            }
        }
        return null;
    }
}
