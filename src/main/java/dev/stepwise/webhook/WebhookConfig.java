package dev.stepwise.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.OptionalInt;

/** Settings of the webhook endpoint (env STEPWISE_WEBHOOK_*; README "Running unattended" and the settings table). */
@ConfigMapping(prefix = "stepwise.webhook")
public interface WebhookConfig {
    /** Accepted calls a minute per Workflow before 429 (bursts of as many). The older name stepwise.webhook-calls-per-minute still counts. */
    @WithDefault("${stepwise.webhook-calls-per-minute:60}")
    int callsPerMinute();

    /** Accepted calls a minute for all Workflows together before 429. */
    @WithDefault("600")
    int globalCallsPerMinute();

    /** A port of its own for POST /webhooks/..., so it can be exposed alone; unset: the HTTP port (8080). */
    OptionalInt port();

    /** How long a webhook's token is kept after it was read from its Secret: a rotated token counts within it. */
    @WithDefault("30s")
    Duration tokenCacheTtl();

    /** Refused calls are logged at most once in this interval, with the count of those not logged. */
    @WithDefault("60s")
    Duration refusalLogInterval();

    default Webhooks.Settings settings() {
        return new Webhooks.Settings(callsPerMinute(), globalCallsPerMinute(), tokenCacheTtl(), refusalLogInterval());
    }
}
