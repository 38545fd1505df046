package dev.stepwise.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the Stepwise metrics (env STEPWISE_METRICS_*). */
@ConfigMapping(prefix = "stepwise.metrics")
public interface MetricsConfig {
    /**
     * true = Run and attempt metrics carry the Workflow's name as label {@code workflow} (one series per
     * Workflow, bounded by the Workflows that exist); false = {@code workflow=""} everywhere, for
     * clusters with very many Workflows.
     */
    @WithDefault("true")
    boolean workflowLabel();
}
