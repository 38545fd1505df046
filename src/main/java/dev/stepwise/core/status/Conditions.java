package dev.stepwise.core.status;

import dev.stepwise.core.time.Times;

import io.fabric8.kubernetes.api.model.Condition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Sets standard conditions, keeping lastTransitionTime while the status does not change. */
public final class Conditions {
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private Conditions() {
    }

    /** A condition to set; lastTransitionTime is filled in by {@link #apply}. */
    public record Desired(String type, String status, String reason, String message) {
    }

    /**
     * The new condition list: each desired condition replaces the one of its type, keeping the old
     * lastTransitionTime when its status is unchanged; types listed in {@code remove} are dropped.
     */
    public static List<Condition> apply(List<Condition> current, List<Desired> desired, List<String> remove,
                                        Long generation, Instant now) {
        List<Condition> out = new ArrayList<>();
        for (Desired d : desired) {
            Condition old = find(current, d.type());
            Condition c = new Condition();
            c.setType(d.type());
            c.setStatus(d.status());
            c.setReason(d.reason());
            c.setMessage(d.message() == null ? "" : StatusBudget.truncate(d.message(), StatusBudget.MESSAGE_BYTES));
            c.setObservedGeneration(generation);
            c.setLastTransitionTime(old != null && Objects.equals(old.getStatus(), d.status())
                    ? old.getLastTransitionTime() : Times.format(now));
            out.add(c);
        }
        if (current != null) {
            for (Condition c : current) {
                boolean replaced = desired.stream().anyMatch(d -> d.type().equals(c.getType()));
                if (!replaced && !remove.contains(c.getType())) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}
