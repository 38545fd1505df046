package dev.stepwise.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Step;

/** Deep copies through JSON, so decisions never mutate the cached resource they read. */
public final class StatusCopy {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusCopy() {
    }

    public static RunStatus of(RunStatus s) {
        return s == null ? new RunStatus() : MAPPER.convertValue(s, RunStatus.class);
    }

    /** Whether two statuses serialize alike, the way they would be written (null: no status yet). */
    public static boolean same(Object a, Object b) {
        return MAPPER.valueToTree(a).equals(MAPPER.valueToTree(b));
    }

    /** A deep copy through JSON. */
    public static <T> T copy(T value, Class<T> type) {
        return MAPPER.convertValue(value, type);
    }

    public static Step of(Step s) {
        return MAPPER.convertValue(s, Step.class);
    }
}
