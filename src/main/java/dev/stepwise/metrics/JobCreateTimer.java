package dev.stepwise.metrics;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Times the API call that creates a step's Job: {@code stepwise_job_create_seconds{outcome}} with
 * outcome created, exists (adopted after a restart), refused (400/422) or error. Static so the
 * actuator needs no injection; without a registry (tests without Quarkus) it only makes the call.
 */
public final class JobCreateTimer {
    static final String NAME = "stepwise.job.create";
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    private static volatile MeterRegistry registry;

    private JobCreateTimer() {
    }

    static void use(MeterRegistry r) {
        registry = r;
    }

    public static Job time(Supplier<Job> create) {
        MeterRegistry r = registry;
        if (r == null) {
            return create.get();
        }
        long start = System.nanoTime();
        String outcome = "error";
        try {
            Job job = create.get();
            outcome = "created";
            return job;
        } catch (KubernetesClientException e) {
            outcome = e.getCode() == 409 ? "exists" : e.getCode() == 400 || e.getCode() == 422 ? "refused" : "error";
            throw e;
        } finally {
            Timer.builder(NAME).description("Latency of the API call that creates a step attempt's Job")
                    .tag("outcome", outcome).serviceLevelObjectives(BUCKETS)
                    .register(r).record(Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
