package dev.stepwise.core.graph;

import dev.stepwise.api.v1alpha1.Step;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph of a workflow's steps: parents, children, a topological order and levels.
 * Built from possibly invalid input; {@link #problems()} names what is wrong.
 */
public final class Dag {
    private final Map<String, Step> steps = new LinkedHashMap<>();
    private final Map<String, Integer> position = new LinkedHashMap<>();
    private final Map<String, List<String>> parents = new LinkedHashMap<>();
    private final Map<String, List<String>> children = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<List<String>> levels = new ArrayList<>();
    private List<String> order;

    private Dag() {
    }

    public static Dag of(List<Step> stepList) {
        Dag dag = new Dag();
        for (Step s : stepList) {
            if (s.name == null || s.name.isBlank()) {
                dag.problems.add("a step has no name");
                continue;
            }
            if (dag.steps.putIfAbsent(s.name, s) != null) {
                dag.problems.add("duplicate step name '" + s.name + "'");
            } else {
                dag.position.put(s.name, dag.position.size());
            }
        }
        for (Step s : dag.steps.values()) {
            dag.children.putIfAbsent(s.name, new ArrayList<>());
        }
        for (Step s : dag.steps.values()) {
            List<String> ps = new ArrayList<>();
            for (String p : s.dependsOn == null ? List.<String>of() : s.dependsOn) {
                if (!dag.steps.containsKey(p)) {
                    dag.problems.add("step '" + s.name + "' depends on unknown step '" + p + "'");
                } else if (p.equals(s.name)) {
                    dag.problems.add("step '" + s.name + "' depends on itself");
                } else if (!ps.contains(p)) {
                    ps.add(p);
                    dag.children.get(p).add(s.name);
                }
            }
            dag.parents.put(s.name, ps);
        }
        dag.computeLevels();
        return dag;
    }

    /** Kahn's algorithm by levels; steps left over sit on a cycle. */
    private void computeLevels() {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        parents.forEach((name, ps) -> waiting.put(name, ps.size()));
        List<String> current = new ArrayList<>();
        waiting.forEach((name, n) -> {
            if (n == 0) {
                current.add(name);
            }
        });
        Set<String> placed = new LinkedHashSet<>();
        List<String> level = current;
        while (!level.isEmpty()) {
            levels.add(level);
            placed.addAll(level);
            List<String> next = new ArrayList<>();
            for (String name : level) {
                for (String child : children.get(name)) {
                    if (waiting.merge(child, -1, Integer::sum) == 0) {
                        next.add(child);
                    }
                }
            }
            // keep the workflow's own order inside a level, so status reads like the YAML
            next.sort((a, b) -> position.get(a) - position.get(b));
            level = next;
        }
        if (placed.size() < parents.size()) {
            List<String> cycle = findCycle(placed);
            problems.add("steps form a cycle: " + String.join(" -> ", cycle));
        }
    }

    private List<String> findCycle(Set<String> placed) {
        // walk parents from any unplaced step until a step repeats: that loop is a cycle
        String start = parents.keySet().stream().filter(n -> !placed.contains(n)).findFirst().orElseThrow();
        List<String> path = new ArrayList<>();
        String cur = start;
        while (!path.contains(cur)) {
            path.add(cur);
            cur = parents.get(cur).stream().filter(p -> !placed.contains(p)).findFirst().orElseThrow();
        }
        List<String> loop = new ArrayList<>(path.subList(path.indexOf(cur), path.size()));
        Collections.reverse(loop);
        loop.add(loop.get(0));
        return loop;
    }

    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    public boolean isValid() {
        return problems.isEmpty();
    }

    public Step step(String name) {
        return steps.get(name);
    }

    public boolean has(String name) {
        return steps.containsKey(name);
    }

    /** Step names in the workflow's order. */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(steps.keySet()));
    }

    public List<String> parents(String name) {
        return parents.getOrDefault(name, List.of());
    }

    public List<String> children(String name) {
        return children.getOrDefault(name, List.of());
    }

    /** Levels of a valid graph: level 0 has no parents. */
    public List<List<String>> levels() {
        return Collections.unmodifiableList(levels);
    }

    /** Every step in an order where parents come before children. */
    public List<String> topologicalOrder() {
        if (order == null) {
            List<String> all = new ArrayList<>();
            levels.forEach(all::addAll);
            order = Collections.unmodifiableList(all);
        }
        return order;
    }

    /** Whether {@code ancestor} is reachable by following parents from {@code name}. */
    public boolean isAncestor(String ancestor, String name) {
        Deque<String> todo = new ArrayDeque<>(parents(name));
        Set<String> seen = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (p.equals(ancestor)) {
                return true;
            }
            if (seen.add(p)) {
                todo.addAll(parents(p));
            }
        }
        return false;
    }
}
