package dev.stepwise.core.time;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations ({@code 90s}, {@code 10m}, {@code 1h30m}, {@code 1.5h}, {@code 250ms}), as SPEC uses them. */
public final class GoDuration {
    private static final Pattern WHOLE = Pattern.compile("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$");
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

    private GoDuration() {
    }

    /** Parses a duration; throws IllegalArgumentException naming the bad text. */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 10m or 1h30m");
        }
        double millis = 0;
        Matcher m = PART.matcher(text.trim());
        while (m.find()) {
            double n = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** Parses a duration that may be absent. */
    public static Duration parseOrNull(String text) {
        return text == null || text.isBlank() ? null : parse(text);
    }

    public static boolean isValid(String text) {
        return text != null && WHOLE.matcher(text.trim()).matches();
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
