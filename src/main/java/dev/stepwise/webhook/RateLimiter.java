package dev.stepwise.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (a workflow): {@code perMinute} requests a minute, in bursts of at most that
 * many. Checked before anything else, so a flood of calls costs neither Secret reads nor Runs.
 */
public final class RateLimiter {
    private final int perMinute;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        Instant at;

        Bucket(double tokens, Instant at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public RateLimiter(int perMinute, Clock clock) {
        this.perMinute = Math.max(1, perMinute);
        this.clock = clock;
    }

    /** @return null when the call may go on, else how long until it may */
    public Duration take(String key) {
        Instant now = clock.instant();
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(perMinute, now));
        synchronized (b) {
            double refill = Duration.between(b.at, now).toMillis() * perMinute / 60_000.0;
            b.tokens = Math.min(perMinute, b.tokens + Math.max(0, refill));
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return null;
            }
            long wait = (long) Math.ceil((1 - b.tokens) * 60_000.0 / perMinute);
            return Duration.ofMillis(wait);
        }
    }
}
