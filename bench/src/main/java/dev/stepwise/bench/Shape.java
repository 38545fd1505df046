package dev.stepwise.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario runs: {@code runs} copies of one DAG of steps. Both engines run the same shape:
 * Stepwise as a Workflow with Runs, the baseline as Jobs the harness creates itself.
 */
record Shape(String scenario, String description, int runs, Map<String, List<String>> parents) {

    int stepsPerRun() {
        return parents.size();
    }

    int totalSteps() {
        return runs * parents.size();
    }

    /** Steps without parents: they start with the Run. */
    List<String> roots() {
        return parents.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    Map<String, List<String>> children() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        parents.keySet().forEach(s -> out.put(s, new ArrayList<>()));
        parents.forEach((child, ps) -> ps.forEach(p -> out.get(p).add(child)));
        return out;
    }

    int handoffs() {
        return runs * (int) parents.values().stream().filter(p -> !p.isEmpty()).count();
    }

    String runName(int i) {
        return String.format("r%04d", i);
    }

    /** R Runs of S independent steps. */
    static Shape wide(String scenario, int runs, int steps) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (int i = 0; i < steps; i++) {
            p.put(String.format("s%02d", i), List.of());
        }
        return new Shape(scenario, runs + " Runs x " + steps + " independent steps", runs, p);
    }

    /** One Run of an N-step linear chain. */
    static Shape chain(int n) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            p.put(String.format("c%02d", i), i == 0 ? List.of() : List.of(String.format("c%02d", i - 1)));
        }
        return new Shape("chain", "1 Run, linear chain of " + n + " steps", 1, p);
    }

    /**
     * One Run of a ladder: N stages of two steps, each depending on both steps of the stage before
     * (2^N paths to the root: a planner that walks ancestors without a memo never finishes it).
     */
    static Shape ladder(int stages) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (int i = 0; i < stages; i++) {
            List<String> parents = i == 0 ? List.of()
                    : List.of(String.format("l%03d-a", i - 1), String.format("l%03d-b", i - 1));
            p.put(String.format("l%03d-a", i), parents);
            p.put(String.format("l%03d-b", i), parents);
        }
        return new Shape("ladder", "1 Run, ladder of " + stages + " stages of 2 steps", 1, p);
    }

    /** One Run shaped 1 -> N -> 1. */
    static Shape fan(int n) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("root", List.of());
        List<String> middle = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = String.format("m%03d", i);
            middle.add(name);
            p.put(name, List.of("root"));
        }
        p.put("sink", middle);
        return new Shape("fan", "1 Run shaped 1 -> " + n + " -> 1", 1, p);
    }
}
