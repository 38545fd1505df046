package dev.stepwise.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Compares statuses by their JSON, so status is written only when it changed. */
final class StatusJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {
    }

    static boolean same(Object a, Object b) {
        return MAPPER.valueToTree(a).equals(MAPPER.valueToTree(b));
    }
}
