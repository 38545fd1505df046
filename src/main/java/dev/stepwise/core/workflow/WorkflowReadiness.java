package dev.stepwise.core.workflow;

import dev.stepwise.core.status.Conditions;

import java.time.Duration;
import java.util.List;

/**
 * A Workflow's conditions (SPEC "Conditions and GitOps health"): Ready once valid and its current
 * revision is published; Stalled with reason Invalid, naming every problem, when invalid; and while
 * the API server refuses to publish, not Ready but Reconciling, with the server's reason, tried again.
 *
 * @param current   whether the decided revision is the Workflow's current one now
 * @param lookAgain when to try again, or null
 */
public record WorkflowReadiness(List<Conditions.Desired> conditions, boolean current, Duration lookAgain) {
    /** How soon a publish the API server refused is tried again. */
    public static final Duration PUBLISH_RETRY = Duration.ofSeconds(10);
    /** How soon to decide again when the revision name was taken (the cache lagged a publish). */
    public static final Duration TAKEN_RETRY = Duration.ofSeconds(1);

    public static WorkflowReadiness invalid(List<String> problems) {
        String msg = "invalid workflow: " + String.join("; ", problems);
        return new WorkflowReadiness(three("Invalid", msg, Conditions.FALSE, Conditions.TRUE, Conditions.FALSE), false, null);
    }

    public static WorkflowReadiness published(int revision) {
        String msg = "revision " + revision + " is current";
        return new WorkflowReadiness(three("Ready", msg, Conditions.TRUE, Conditions.FALSE, Conditions.FALSE), true, null);
    }

    /** The API server refused the publish: its reason and message, and another try shortly. */
    public static WorkflowReadiness publishFailed(int revision, String reason, String message) {
        String msg = "could not publish revision " + revision + ": " + reason + ": " + message;
        return new WorkflowReadiness(three("PublishFailed", msg, Conditions.FALSE, Conditions.FALSE, Conditions.TRUE), false,
                PUBLISH_RETRY);
    }

    /** The name was another revision's: decide again once the cache has caught up. */
    public static WorkflowReadiness publishing(String message) {
        return new WorkflowReadiness(three("Publishing", message, Conditions.FALSE, Conditions.FALSE, Conditions.TRUE), false,
                TAKEN_RETRY);
    }

    private static List<Conditions.Desired> three(String reason, String msg, String ready, String stalled, String reconciling) {
        return List.of(new Conditions.Desired("Ready", ready, reason, msg),
                new Conditions.Desired("Stalled", stalled, reason, msg),
                new Conditions.Desired("Reconciling", reconciling, reason, msg));
    }
}
