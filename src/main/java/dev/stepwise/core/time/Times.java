package dev.stepwise.core.time;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as Kubernetes writes them (whole seconds, UTC). */
public final class Times {
    private static final int SECONDS_PER_DAY = 86_400;

    private Times() {
    }

    public static String format(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Reads {@code 2026-11-26T09:16:51Z} directly and anything else (fractions, offsets) through
     * {@link Instant#parse}: a reconcile reads every step's times, and the general formatter is
     * costly for the one form the API server and this operator write.
     */
    public static Instant parse(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        Instant whole = wholeSecondsUtc(s);
        return whole != null ? whole : Instant.parse(s);
    }

    /** {@code yyyy-MM-ddTHH:mm:ssZ}, or null when {@code s} is not exactly that. */
    private static Instant wholeSecondsUtc(String s) {
        if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null; // not digits, or not a time of day: let Instant.parse say why
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // not a date (month 13, February 30th): likewise
        }
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second);
    }

    /** The decimal number in {@code s[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
