package dev.vigil.internal;

import java.time.Duration;

/** Time that moves only when the test says so. */
final class FakeTicker implements Ticker {
    private long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    void advance(Duration d) {
        now += d.toNanos();
    }

    void advanceMillis(long millis) {
        now += millis * 1_000_000L;
    }
}
