package dev.stepwise.core.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields that differ between two statuses, as JSON paths ({@code steps[0].attempts[0].pod}).
 * For the debug log of status writes: what made the operator write tells where a write could
 * have been saved.
 */
public final class StatusDiff {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusDiff() {
    }

    public static List<String> paths(Object before, Object after) {
        List<String> out = new ArrayList<>();
        walk("", JSON.valueToTree(before), JSON.valueToTree(after), out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
        if (isNull(a) || isNull(b)) {
            if (!(isNull(a) && isNull(b))) {
                out.add(path.isEmpty() ? "." : path);
            }
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                walk(path.isEmpty() ? n : path + "." + n, a.get(n), b.get(n), out);
            }
        } else if (a.isArray() && b.isArray()) {
            int n = Math.max(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                walk(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else if (!a.equals(b)) {
            out.add(path);
        }
    }

    private static boolean isNull(JsonNode n) {
        return n == null || n.isNull();
    }
}
