package dev.stepwise.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets for accepted webhook calls: one for all Workflows together and one per Workflow with an
 * open webhook, each {@code perMinute} calls a minute in bursts of at most that many. A Workflow's bucket
 * is made when its webhook opens and dropped when it closes ({@link #open}, {@link #forget}, told by the
 * informer), never by a call: the map holds at most one bucket per Workflow with an enabled webhook.
 */
public final class RateLimiter {
    private final int perWorkflow;
    private final Clock clock;
    private final Bucket global;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Why a call may not go on now, and when it may. */
    public record Limited(Duration retryAfter, boolean global) {
    }

    private static final class Bucket {
        final int perMinute;
        double tokens;
        Instant at;

        Bucket(int perMinute, Instant at) {
            this.perMinute = perMinute;
            this.tokens = perMinute;
            this.at = at;
        }

        /** Refills up to now; 0 when a token is there, else milliseconds until one is. */
        long waitMillis(Instant now) {
            double refill = Duration.between(at, now).toMillis() * perMinute / 60_000.0;
            tokens = Math.min(perMinute, tokens + Math.max(0, refill));
            at = now;
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * 60_000.0 / perMinute);
        }
    }

    public RateLimiter(int perWorkflowPerMinute, int globalPerMinute, Clock clock) {
        this.perWorkflow = Math.max(1, perWorkflowPerMinute);
        this.clock = clock;
        this.global = new Bucket(Math.max(1, globalPerMinute), clock.instant());
    }

    /** The Workflow's webhook is open: it gets a full bucket, or keeps the one it has. */
    void open(String key) {
        buckets.computeIfAbsent(key, k -> new Bucket(perWorkflow, clock.instant()));
    }

    /** The Workflow is gone or its webhook disabled. */
    void forget(String key) {
        buckets.remove(key);
    }

    /** Buckets held: one per open webhook. */
    int size() {
        return buckets.size();
    }

    /**
     * Takes a token from the Workflow's bucket and the global one, or from neither. A Workflow without a
     * bucket (the informer closed its webhook a moment ago) counts against the global bucket only.
     *
     * @return null when the call may go on, else which limit holds it and for how long
     */
    public Limited take(String key) {
        Bucket own = buckets.get(key);
        Instant now = clock.instant();
        if (own == null) {
            synchronized (global) {
                return take(null, global, now);
            }
        }
        // always the Workflow's lock first, then the global one
        synchronized (own) {
            synchronized (global) {
                return take(own, global, now);
            }
        }
    }

    private static Limited take(Bucket own, Bucket global, Instant now) {
        long ownWait = own == null ? 0 : own.waitMillis(now);
        long globalWait = global.waitMillis(now);
        if (ownWait == 0 && globalWait == 0) {
            if (own != null) {
                own.tokens -= 1;
            }
            global.tokens -= 1;
            return null;
        }
        return ownWait >= globalWait ? new Limited(Duration.ofMillis(ownWait), false)
                : new Limited(Duration.ofMillis(globalWait), true);
    }
}
