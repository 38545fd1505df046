package dev.stepwise.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Logs refused webhook calls (unknown Workflow, closed webhook, missing or wrong token) without letting a
 * flood of them flood the log: the first at once, then at most one line per {@code every}, which counts
 * the calls refused since the previous line. What a caller sent is never in it beyond a valid name.
 */
final class RefusalLog {
    private final Clock clock;
    private final Duration every;
    private final Consumer<String> sink;
    private Instant last;
    private long unlogged;

    RefusalLog(Clock clock, Duration every, Consumer<String> sink) {
        this.clock = clock;
        this.every = every;
        this.sink = sink;
    }

    /** @param why what was wrong, for the operator's eyes only (the caller is told nothing) */
    void refused(String why, String from) {
        String line;
        synchronized (this) {
            Instant now = clock.instant();
            if (last != null && now.isBefore(last.plus(every))) {
                unlogged++;
                return;
            }
            line = "webhook call refused (401): " + why + (from == null ? "" : " from " + from)
                    + (last == null ? "" : "; " + unlogged + " more refused since the previous line, "
                    + Duration.between(last, now).toSeconds() + "s ago");
            last = now;
            unlogged = 0;
        }
        sink.accept(line);
    }

    /** Calls refused since the last line, not logged yet. */
    synchronized long unlogged() {
        return unlogged;
    }
}
