package dev.stepwise.metrics;

import java.util.Set;

/** An attempt's reason as a metric label: a fixed set of values, so a pod's free text never becomes a series. */
final class ReasonLabel {
    static final String OTHER = "Other";
    static final Set<String> KNOWN = Set.of(
            "Completed", "Error", "OOMKilled", "DeadlineExceeded", "Cancelled", "Unschedulable", "ImagePullBackOff",
            "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError",
            "ContainerCannotRun", "StartError", "Evicted", "PodLost", "Disrupted", "CloneFailed", "InvalidJob",
            "FailedCreate", "PendingTimeout", "BackoffLimitExceeded");

    private ReasonLabel() {
    }

    static String of(String reason) {
        if (reason == null || reason.isBlank()) {
            return "None";
        }
        return KNOWN.contains(reason) ? reason : OTHER;
    }
}
