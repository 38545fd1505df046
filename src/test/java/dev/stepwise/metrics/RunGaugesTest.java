package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.api.v1alpha1.RunPhase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class RunGaugesTest {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<Run> cache = new ArrayList<>();
    AtomicBoolean leader = new AtomicBoolean(true);
    RunGauges gauges = new RunGauges(registry, () -> new ArrayList<>(cache).stream(), leader::get);

    Run run(String ns, RunPhase phase) {
        return RunMetricsTest.run(ns, "r" + cache.size(), phase == null ? null : RunTransitionsTest.status(phase, null, null));
    }

    double gauge(String name, String ns) {
        return registry.get(name).tags("namespace", ns).gauge().value();
    }

    @Test
    void runningAndWaitingRunsAreCountedPerNamespaceFromTheCache() {
        cache.add(run("a", RunPhase.Running));
        cache.add(run("a", RunPhase.Running));
        cache.add(run("a", RunPhase.Pending));
        cache.add(run("a", null)); // not reconciled yet: waiting
        cache.add(run("a", RunPhase.Succeeded));
        cache.add(run("b", RunPhase.Suspended));
        cache.add(run("b", RunPhase.Failed));
        gauges.refresh();
        assertThat(gauge(RunGauges.RUNNING, "a")).isEqualTo(2);
        assertThat(gauge(RunGauges.WAITING, "a")).isEqualTo(2);
        assertThat(gauge(RunGauges.RUNNING, "b")).isZero();
        assertThat(gauge(RunGauges.WAITING, "b")).isEqualTo(1);

        cache.removeIf(r -> r.getMetadata().getNamespace().equals("b"));
        gauges.refresh();
        assertThat(registry.find(RunGauges.RUNNING).tags("namespace", "b").gauge()).isNull();
    }

    @Test
    void aStandbyReplicaReportsNothing() {
        cache.add(run("a", RunPhase.Running));
        leader.set(false);
        gauges.refresh();
        assertThat(registry.find(RunGauges.RUNNING).gauges()).isEmpty();
        leader.set(true);
        gauges.refresh();
        assertThat(gauge(RunGauges.RUNNING, "a")).isEqualTo(1);
    }
}
