package dev.stepwise.api.v1alpha1;

/** The schema pattern of Go-style durations ({@code 90s}, {@code 10m}, {@code 1h30m}); parsing lives in core. */
public final class Durations {
    public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";
    /** The longest duration text the schema accepts. */
    public static final int MAX_LENGTH = 64;

    private Durations() {
    }
}
