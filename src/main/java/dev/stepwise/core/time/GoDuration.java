package dev.stepwise.core.time;

import java.time.Duration;

/**
 * Go-style durations ({@code 90s}, {@code 10m}, {@code 1h30m}, {@code 1.5h}, {@code 250ms}), as SPEC uses them:
 * what {@code ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$} (the CRD's pattern) accepts, read in one pass. Java's regex
 * recursed once per repetition of that group, so a 2,000-character "1m1m..." overflowed the stack.
 */
public final class GoDuration {
    private GoDuration() {
    }

    /** Parses a duration; throws IllegalArgumentException naming the bad text. */
    public static Duration parse(String text) {
        double millis = text == null ? -1 : millis(text.trim());
        if (millis < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 10m or 1h30m");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** The milliseconds of a duration, or -1 if it is none: number, unit, number, unit ... */
    private static double millis(String text) {
        double millis = 0;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            i = digits(text, i);
            if (i == start) {
                return -1;
            }
            if (i < text.length() && text.charAt(i) == '.') {
                int fraction = i + 1;
                i = digits(text, fraction);
                if (i == fraction) {
                    return -1;
                }
            }
            double n = Double.parseDouble(text.substring(start, i));
            boolean ms = text.startsWith("ms", i);
            double unit = ms ? 1 : i == text.length() ? -1 : switch (text.charAt(i)) {
                case 's' -> 1_000;
                case 'm' -> 60_000;
                case 'h' -> 3_600_000;
                default -> -1;
            };
            if (unit < 0) {
                return -1;
            }
            millis += n * unit;
            i += ms ? 2 : 1;
        }
        return text.isEmpty() ? -1 : millis;
    }

    private static int digits(String text, int i) {
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** Parses a duration that may be absent. */
    public static Duration parseOrNull(String text) {
        return text == null || text.isBlank() ? null : parse(text);
    }

    public static boolean isValid(String text) {
        return text != null && millis(text.trim()) >= 0;
    }

    /** Formats like Go does, to whole seconds: {@code 4m12s}, {@code 1h0m5s}, {@code 0s}. */
    public static String format(Duration d) {
        long s = Math.max(0, d.getSeconds());
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (h > 0) {
            return h + "h" + m + "m" + sec + "s";
        }
        if (m > 0) {
            return m + "m" + sec + "s";
        }
        return sec + "s";
    }
}
