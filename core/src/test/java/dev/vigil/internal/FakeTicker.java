package dev.vigil.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/**
 * Time that moves only when the test says so. Public so that tests in other packages can drive a client on it; safe
 * to read from any thread while the test thread advances it.
 */
public final class FakeTicker implements Ticker {
    /** How often, in real time, a thread waiting on this ticker looks whether the test has moved time on. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return now.get();
    }

    /**
     * Waits in short real slices (a signal still ends it at once); the caller's loop then sees whether this ticker's
     * time has reached its deadline.
     */
    @Override
    public void awaitNanos(Condition condition, long nanos) throws InterruptedException {
        condition.awaitNanos(Math.min(nanos, RECHECK_NANOS));
    }

    /** Moves time on by {@code d}. */
    public void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** Moves time on by {@code millis} milliseconds. */
    public void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }
}
