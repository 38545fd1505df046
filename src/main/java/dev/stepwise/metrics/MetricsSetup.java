package dev.stepwise.metrics;

import dev.stepwise.api.v1alpha1.Run;
import dev.stepwise.operator.LeaderElection;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Wires the metrics at startup: the Run/attempt listeners on {@link StatusWrites}, the Job create
 * timer, the running/waiting gauges (recounted every {@value #GAUGE_SECONDS} s from the Run
 * controller's cache) and JOSDK's reconciliation metrics without per-resource series.
 */
@Singleton
public class MetricsSetup {
    private static final Logger LOG = Logger.getLogger(MetricsSetup.class);
    static final int GAUGE_SECONDS = 5;
    /** The Run reconciler's name (its @ControllerConfiguration). */
    static final String RUN_CONTROLLER = "run";

    private final MeterRegistry registry;
    private final MetricsConfig config;
    private final LeaderElection leaderElection;
    private final Instance<Operator> operator;
    private ScheduledExecutorService scheduler;
    private RunMetrics runMetrics;
    private RunActivityLog activityLog;

    public MetricsSetup(MeterRegistry registry, MetricsConfig config, LeaderElection leaderElection, Instance<Operator> operator) {
        this.registry = registry;
        this.config = config;
        this.leaderElection = leaderElection;
        this.operator = operator;
    }

    /**
     * JOSDK's reconciliation metrics (operator_sdk_*), without the per-resource series Quarkus
     * Operator SDK turns on by default: those carry every Run's name as a label.
     */
    @Produces
    @Singleton
    Metrics josdkMetrics() {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }

    void start(@Observes StartupEvent ev) {
        runMetrics = new RunMetrics(registry, config.workflowLabel());
        activityLog = new RunActivityLog();
        StatusWrites.register(runMetrics);
        StatusWrites.register(activityLog);
        JobCreateTimer.use(registry);
        RunGauges gauges = new RunGauges(registry, this::cachedRuns, leaderElection::isLeader);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stepwise-run-gauges");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                gauges.refresh();
            } catch (RuntimeException e) {
                LOG.debugf(e, "run gauges not refreshed");
            }
        }, GAUGE_SECONDS, GAUGE_SECONDS, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        StatusWrites.unregister(runMetrics);
        StatusWrites.unregister(activityLog);
    }

    @SuppressWarnings("unchecked")
    private Stream<Run> cachedRuns() {
        return operator.get().getRegisteredController(RUN_CONTROLLER)
                .filter(c -> c instanceof Controller<?>)
                .map(c -> ((Controller<Run>) c).getEventSourceManager().getControllerEventSource().list(r -> true))
                .orElseGet(Stream::empty);
    }
}
