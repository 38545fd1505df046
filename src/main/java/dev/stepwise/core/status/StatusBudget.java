package dev.stepwise.core.status;

import java.nio.charset.StandardCharsets;

/**
 * Bounds on what goes into a Run's status, so it stays far below the API server's object limit
 * (1.5 MiB in etcd) whatever the Run does. The text a Run collects has fixed budgets, 576 KiB in all:
 * <ul>
 *   <li>log tails: 256 KiB shared by all attempts (each shrinks as attempts accumulate);</li>
 *   <li>outputs: 192 KiB for all steps' outputs together (sensitive ones included, which are kept in a
 *       Secret); a step whose outputs would break it fails, saying so;</li>
 *   <li>messages: 64 KiB shared by every step and attempt message, each at most 1 KiB;</li>
 *   <li>received events' payloads: 64 KiB together (more is ignored with a Warning); notification
 *       records are short (a coarse result of at most 256 bytes each, a few per notification).</li>
 * </ul>
 * The structure around it is bounded too: at most 500 steps (schema), and at most
 * {@link #RUN_ATTEMPTS} attempts listed per Run (older failed attempts of a step are left out, the
 * first and the latest kept), so the worst Run serialises to about 1 MB.
 */
public final class StatusBudget {
    /** All log tails of one Run together. 500 steps x 3 attempts get ~170 bytes each. */
    public static final int RUN_LOG_BYTES = 256 * 1024;
    /** No tail is cut below this, so even huge Runs keep the last line or two. */
    public static final int MIN_TAIL_BYTES = 128;
    /** All outputs of one Run together (names and values, UTF-8). */
    public static final int RUN_OUTPUT_BYTES = 192 * 1024;
    /** All messages of one Run's steps and attempts together. */
    public static final int RUN_MESSAGE_BYTES = 64 * 1024;
    /**
     * All payloads of the events a Run received (status.events) together: 100 events of 4 KiB each
     * would be 400 KiB more, on top of the same in spec.events, and break the object limit.
     */
    public static final int RUN_EVENT_BYTES = 64 * 1024;
    /** The most one message may take, and the least it is cut to when a Run has very many. */
    public static final int MESSAGE_BYTES = 1024;
    public static final int MIN_MESSAGE_BYTES = 64;
    /** Attempts listed in one Run's status; a step keeps at least {@link #MIN_STEP_ATTEMPTS}. */
    public static final int RUN_ATTEMPTS = 1500;
    public static final int MIN_STEP_ATTEMPTS = 3;
    public static final int MAX_STEP_ATTEMPTS = 20;

    private StatusBudget() {
    }

    /** Bytes each attempt's log tail may take when a Run holds {@code attempts} attempts. */
    public static int tailBytesPerAttempt(int configuredTailBytes, int attempts) {
        int share = RUN_LOG_BYTES / Math.max(1, attempts);
        return Math.max(Math.min(MIN_TAIL_BYTES, configuredTailBytes), Math.min(configuredTailBytes, share));
    }

    /** Bytes a step's outputs take: names and values in UTF-8. */
    public static int outputBytes(java.util.Map<String, String> outputs) {
        int n = 0;
        for (var e : outputs.entrySet()) {
            n += utf8(e.getKey()) + utf8(e.getValue());
        }
        return n;
    }

    public static int utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Bytes each message may take when a Run holds {@code messages} of them. */
    public static int messageBytes(int messages) {
        int share = RUN_MESSAGE_BYTES / Math.max(1, messages);
        return Math.max(MIN_MESSAGE_BYTES, Math.min(MESSAGE_BYTES, share));
    }

    /** Attempts one step may list when a Run has {@code steps} steps. */
    public static int attemptsPerStep(int steps) {
        return Math.max(MIN_STEP_ATTEMPTS, Math.min(MAX_STEP_ATTEMPTS, RUN_ATTEMPTS / Math.max(1, steps)));
    }

    /** The end of a log, at most {@code maxBytes} of UTF-8, starting at a line break when one is near. */
    public static String tail(String log, int maxBytes) {
        if (log == null) {
            return null;
        }
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return log;
        }
        int from = bytes.length - maxBytes;
        // do not start inside a multi-byte character
        while (from < bytes.length && (bytes[from] & 0xC0) == 0x80) {
            from++;
        }
        String cut = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        int nl = cut.indexOf('\n');
        if (nl >= 0 && nl < cut.length() - 1 && nl < cut.length() / 2) {
            cut = cut.substring(nl + 1);
        }
        return cut;
    }

    /** The start of a text, at most {@code maxBytes} of UTF-8, with an ellipsis when cut. */
    public static String truncate(String text, int maxBytes) {
        if (text == null) {
            return null;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int to = maxBytes - 3;
        while (to > 0 && (bytes[to] & 0xC0) == 0x80) {
            to--;
        }
        return new String(bytes, 0, to, StandardCharsets.UTF_8) + "...";
    }
}
