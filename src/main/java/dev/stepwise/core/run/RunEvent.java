package dev.stepwise.core.run;

/** A Kubernetes Event to record on the Run. */
public record RunEvent(Type type, String reason, String message) {
    public enum Type { Normal, Warning }
}
