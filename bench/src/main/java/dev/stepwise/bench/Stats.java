package dev.stepwise.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles by nearest rank over raw samples (milliseconds); nothing is clamped or dropped. */
final class Stats {
    private Stats() {
    }

    static ObjectNode of(List<Long> samples) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        List<Long> s = new ArrayList<>(samples);
        Collections.sort(s);
        n.put("n", s.size());
        if (s.isEmpty()) {
            return n;
        }
        n.put("min", s.get(0));
        n.put("p50", rank(s, 0.50));
        n.put("p90", rank(s, 0.90));
        n.put("p99", rank(s, 0.99));
        n.put("max", s.get(s.size() - 1));
        n.put("mean", Math.round(s.stream().mapToLong(Long::longValue).average().orElse(0)));
        n.put("negative", s.stream().filter(v -> v < 0).count());
        return n;
    }

    private static long rank(List<Long> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
