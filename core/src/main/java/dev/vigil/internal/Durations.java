package dev.vigil.internal;

import java.util.Locale;

/** Formats nanoseconds for people: {@code 3.0s}, {@code 250ms}, {@code 42µs}. */
public final class Durations {
    private Durations() {
    }

    public static String format(long nanos) {
        if (nanos >= 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.0fs", nanos / 1e9);
        }
        if (nanos >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
        }
        if (nanos >= 1_000_000L) {
            return String.format(Locale.ROOT, "%dms", nanos / 1_000_000L);
        }
        return String.format(Locale.ROOT, "%dµs", nanos / 1_000L);
    }
}
