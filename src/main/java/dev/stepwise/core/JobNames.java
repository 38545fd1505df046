package dev.stepwise.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic Job names, so a create after a crash finds the Job it made before. */
public final class JobNames {
    /** Jobs label their pods with the Job name, a label value: at most 63 characters. */
    static final int MAX = 63;

    private JobNames() {
    }

    /** {@code <run>-<step>-<attempt>}, shortened with a hash of the full name when longer than 63. */
    public static String of(String run, String step, int attempt) {
        String full = run + "-" + step + "-" + attempt;
        if (full.length() <= MAX) {
            return full;
        }
        String hash = sha256(full).substring(0, 8);
        String suffix = "-" + hash + "-" + attempt;
        String head = full.substring(0, MAX - suffix.length());
        while (head.endsWith("-")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + suffix;
    }

    /** Hex SHA-256 of a string. */
    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
