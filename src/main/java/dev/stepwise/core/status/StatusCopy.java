package dev.stepwise.core.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stepwise.api.v1alpha1.RunStatus;
import dev.stepwise.api.v1alpha1.Step;

import java.util.Arrays;

/** Deep copies through JSON, so decisions never mutate the cached resource they read. */
public final class StatusCopy {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Map entries in key order, so equal maps filled in a different order write the same bytes. */
    private static final ObjectWriter CANONICAL = MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private StatusCopy() {
    }

    public static RunStatus of(RunStatus s) {
        return s == null ? new RunStatus() : MAPPER.convertValue(s, RunStatus.class);
    }

    /**
     * Whether two statuses serialize alike, the way they would be written (null: no status yet).
     * Compares the bytes, not two JSON trees: every reconcile asks, and building the trees cost more.
     */
    public static boolean same(Object a, Object b) {
        try {
            return Arrays.equals(CANONICAL.writeValueAsBytes(a), CANONICAL.writeValueAsBytes(b));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a status as JSON", e);
        }
    }

    /** A deep copy through JSON. */
    public static <T> T copy(T value, Class<T> type) {
        return MAPPER.convertValue(value, type);
    }

    public static Step of(Step s) {
        return MAPPER.convertValue(s, Step.class);
    }
}
