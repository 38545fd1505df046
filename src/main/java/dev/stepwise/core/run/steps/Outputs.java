package dev.stepwise.core.run.steps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the {@code NAME=VALUE} lines a step writes to $STEPWISE_OUTPUTS (its termination message). */
public final class Outputs {
    public static final String REDACTED = "[REDACTED]";

    private Outputs() {
    }

    /** Declared outputs found, and the names written but not declared. */
    public record Parsed(Map<String, String> values, List<String> undeclared) {
    }

    public static Parsed parse(String text, List<String> declared) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> undeclared = new ArrayList<>();
        if (text == null) {
            return new Parsed(values, undeclared);
        }
        for (String line : text.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = line.substring(0, eq).trim();
            if (declared != null && declared.contains(name)) {
                values.put(name, line.substring(eq + 1));
            } else if (!undeclared.contains(name)) {
                undeclared.add(name);
            }
        }
        return new Parsed(values, undeclared);
    }

    public static Map<String, String> redact(Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.keySet().forEach(k -> out.put(k, REDACTED));
        return out;
    }
}
