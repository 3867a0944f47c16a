package dev.vigil.internal.guard;

import java.time.Duration;

/**
 * Ticker time that moves only when the test says so, for the guards (which take {@code now} as an argument, so
 * they need no ticker of their own). Starts away from zero, as {@code System.nanoTime()} does.
 */
final class FakeClock {
    private long now = 5_000_000_000L;

    long now() {
        return now;
    }

    long advance(Duration d) {
        now += d.toNanos();
        return now;
    }

    long advanceMillis(long millis) {
        now += millis * 1_000_000L;
        return now;
    }
}
