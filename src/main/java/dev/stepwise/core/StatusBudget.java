package dev.stepwise.core;

import java.nio.charset.StandardCharsets;

/**
 * Bounds on what goes into status, so a Run stays far below the API server's 1.5 MiB object
 * limit: log tails share a fixed budget per Run and shrink as attempts accumulate.
 */
public final class StatusBudget {
    /** All log tails of one Run together. 500 steps x 3 attempts get ~170 bytes each. */
    public static final int RUN_LOG_BYTES = 256 * 1024;
    /** No tail is cut below this, so even huge Runs keep the last line or two. */
    public static final int MIN_TAIL_BYTES = 128;
    public static final int MESSAGE_BYTES = 1024;

    private StatusBudget() {
    }

    /** Bytes each attempt's log tail may take when a Run holds {@code attempts} attempts. */
    public static int tailBytesPerAttempt(int configuredTailBytes, int attempts) {
        int share = RUN_LOG_BYTES / Math.max(1, attempts);
        return Math.max(Math.min(MIN_TAIL_BYTES, configuredTailBytes), Math.min(configuredTailBytes, share));
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
