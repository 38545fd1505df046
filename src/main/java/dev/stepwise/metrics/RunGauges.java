package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code stepwise_runs_running{namespace}} and {@code stepwise_runs_waiting{namespace}}, counted
 * from the operator's own Run cache (not from counters, so they are right after a restart or a
 * failover). Only the leader reports them; a standby replica reports no rows, so a sum over
 * replicas stays true. Refreshed by {@link #refresh()}.
 */
public class RunGauges {
    static final String RUNNING = "stepwise.runs.running";
    static final String WAITING = "stepwise.runs.waiting";

    private final Supplier<Stream<Run>> runs;
    private final BooleanSupplier leader;
    private final MultiGauge running;
    private final MultiGauge waiting;

    public RunGauges(MeterRegistry registry, Supplier<Stream<Run>> runs, BooleanSupplier leader) {
        this.runs = runs;
        this.leader = leader;
        this.running = MultiGauge.builder(RUNNING).description("Runs in phase Running").register(registry);
        this.waiting = MultiGauge.builder(WAITING)
                .description("Runs not yet running or held: phase Pending, Queued or Suspended").register(registry);
    }

    /** Recounts; a namespace without Runs disappears from both gauges. */
    public void refresh() {
        Map<String, int[]> byNamespace = new TreeMap<>();
        if (leader.getAsBoolean()) {
            runs.get().forEach(r -> {
                int[] counts = byNamespace.computeIfAbsent(r.getMetadata().getNamespace(), k -> new int[2]);
                RunPhase phase = r.getStatus() == null || r.getStatus().phase == null ? RunPhase.Pending : r.getStatus().phase;
                switch (phase) {
                    case Running -> counts[0]++;
                    case Pending, Queued, Suspended -> counts[1]++;
                    default -> { }
                }
            });
        }
        List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
        List<MultiGauge.Row<?>> waitingRows = new ArrayList<>();
        byNamespace.forEach((ns, c) -> {
            runningRows.add(MultiGauge.Row.of(Tags.of("namespace", ns), c[0]));
            waitingRows.add(MultiGauge.Row.of(Tags.of("namespace", ns), c[1]));
        });
        running.register(runningRows, true);
        waiting.register(waitingRows, true);
    }
}
