package dev.vigil.internal.guard;

import java.util.Locale;

/** Numbers for people in close reasons and log lines: {@code 1,024 bytes}, {@code 1.5 MiB}, {@code 2.5s}. */
final class Format {
    private Format() {
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        if (n >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", n / (double) (1L << 10));
        }
        return count(n) + (n == 1 ? " byte" : " bytes");
    }

    static String nanos(long nanos) {
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
