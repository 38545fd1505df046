package dev.stepwise.core.expr;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Read-only map views that compute a value only when it is looked up. */
public final class LazyMaps {
    private LazyMaps() {
    }

    /**
     * A view of {@code keys} whose values are {@code value.apply(key)} on lookup: a CEL expression that
     * reads two steps of a 1,000-step Run converts two steps, not 1,000.
     */
    public static <V> Map<String, V> view(Set<String> keys, Function<String, V> value) {
        return new AbstractMap<>() {
            @Override
            public V get(Object key) {
                return key instanceof String k && keys.contains(k) ? value.apply(k) : null;
            }

            @Override
            public boolean containsKey(Object key) {
                return keys.contains(key);
            }

            @Override
            public int size() {
                return keys.size();
            }

            @Override
            public Set<Entry<String, V>> entrySet() {
                return keys.stream().map(k -> Map.entry(k, value.apply(k))).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
            }
        };
    }
}
