package dev.stepwise.kube.notify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Work of many tenants (keys: namespaces), taken fairly: at most {@code perKey} tasks of one key run
 * at a time and at most {@code total} of all keys; keys with work waiting take turns (round-robin),
 * so one key's backlog never delays another's next task by more than one turn; each key keeps at
 * most {@code waitingPerKey} tasks waiting, and a new one pushes out its oldest. Nothing here runs a
 * task: every call says which tasks to start (and which were dropped), and the caller starts them
 * outside this lock and calls {@link #finished} once each has ended.
 */
final class FairQueue<T> {
    private final int perKey;
    private final int total;
    private final int waitingPerKey;
    private final Map<String, ArrayDeque<T>> waiting = new HashMap<>();
    private final Map<String, Integer> running = new HashMap<>();
    /** Keys with a task waiting and a free slot of their own, in turn order. */
    private final LinkedHashSet<String> turns = new LinkedHashSet<>();
    private int runningTotal;

    FairQueue(int perKey, int total, int waitingPerKey) {
        if (perKey < 1 || total < 1 || waitingPerKey < 1) {
            throw new IllegalArgumentException("limits must be at least 1");
        }
        this.perKey = perKey;
        this.total = total;
        this.waitingPerKey = waitingPerKey;
    }

    /** What a call changed: tasks to start now, and tasks pushed out of the queue (never to run). */
    record Changes<T>(List<T> start, List<T> dropped) {
    }

    synchronized Changes<T> offer(String key, T task) {
        ArrayDeque<T> q = waiting.computeIfAbsent(key, k -> new ArrayDeque<>());
        List<T> dropped = new ArrayList<>(1);
        if (q.size() >= waitingPerKey) {
            dropped.add(q.pollFirst());
        }
        q.addLast(task);
        if (running.getOrDefault(key, 0) < perKey) {
            turns.add(key);
        }
        return new Changes<>(pump(), dropped);
    }

    /** A task of {@code key} has ended: its slot is free. */
    synchronized List<T> finished(String key) {
        int n = running.getOrDefault(key, 0);
        if (n <= 0) {
            throw new IllegalStateException("no task of " + key + " is running");
        }
        if (n == 1) {
            running.remove(key);
        } else {
            running.put(key, n - 1);
        }
        runningTotal--;
        if (waiting.containsKey(key)) {
            turns.add(key);
        }
        return pump();
    }

    /** Takes waiting tasks out (of Runs that are gone); running ones end as they will. */
    synchronized List<T> remove(Predicate<T> which) {
        List<T> removed = new ArrayList<>();
        for (Iterator<Map.Entry<String, ArrayDeque<T>>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ArrayDeque<T>> e = it.next();
            e.getValue().removeIf(t -> which.test(t) && removed.add(t));
            if (e.getValue().isEmpty()) {
                it.remove();
                turns.remove(e.getKey());
            }
        }
        return removed;
    }

    synchronized int running() {
        return runningTotal;
    }

    synchronized int waiting() {
        return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    private List<T> pump() {
        List<T> start = new ArrayList<>();
        while (runningTotal < total && !turns.isEmpty()) {
            Iterator<String> first = turns.iterator();
            String key = first.next();
            first.remove();
            ArrayDeque<T> q = waiting.get(key);
            start.add(q.pollFirst());
            if (q.isEmpty()) {
                waiting.remove(key);
            }
            int n = running.merge(key, 1, Integer::sum);
            runningTotal++;
            if (!q.isEmpty() && n < perKey) {
                turns.add(key); // to the back: the others take their turn first
            }
        }
        return start;
    }
}
