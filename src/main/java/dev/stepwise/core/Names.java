package dev.stepwise.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic Job names, so a create after a crash finds the Job it made before. */
public final class Names {
    /** Jobs label their pods with the Job name, a label value: at most 63 characters. */
    static final int MAX = 63;

    private Names() {
    }

    /** {@code <run>-<step>-<attempt>}, shortened with a hash of the full name when longer than 63. */
    public static String job(String run, String step, int attempt) {
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

    /**
     * The name used when {@code <run>-<step>-<attempt>} is taken by another Run's Job (two Runs
     * whose names and step names join alike, such as deploy + prod-check and deploy-prod + check):
     * {@code <run>-<step>-<first 8 of the Run's UID>-<attempt>}, unique to this Run.
     */
    public static String qualifiedJob(String run, String uid, String step, int attempt) {
        String tag = uid.replace("-", "");
        return job(run, step + "-" + tag.substring(0, Math.min(8, tag.length())), attempt);
    }

    /**
     * {@code name} if it fits in {@code max} characters, else its head and a hash of the whole, so
     * distinct long names stay distinct (Secrets, Events: DNS subdomains of at most 253).
     */
    public static String fit(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String suffix = "-" + sha256(name).substring(0, 10);
        String head = name.substring(0, max - suffix.length());
        while (!head.isEmpty() && !Character.isLetterOrDigit(head.charAt(head.length() - 1))) {
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
