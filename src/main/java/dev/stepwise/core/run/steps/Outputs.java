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

    /**
     * The key of one sensitive output in the Run's outputs Secret ({@code <step>.outputs.<name>}, its
     * raw value), which a downstream step's env reads through a secretKeyRef. Step names have no dot,
     * so this never ends a step's {@code <step>.json} key.
     */
    public static String secretKey(String step, String output) {
        return step + ".outputs." + output;
    }

    public static Map<String, String> redact(Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.keySet().forEach(k -> out.put(k, REDACTED));
        return out;
    }
}
