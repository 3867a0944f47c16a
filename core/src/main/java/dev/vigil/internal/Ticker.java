package dev.vigil.internal;

import java.util.concurrent.locks.Condition;

/**
 * A source of monotonic time in nanoseconds, and the waits measured on it; tests use a fake one that they advance by
 * hand. Not API: public only so that the machinery's other packages and the tests can inject one.
 */
@FunctionalInterface
public interface Ticker {
    /** The JVM's monotonic clock, {@link System#nanoTime()}, with real waits. */
    Ticker SYSTEM = System::nanoTime;

    /** {@return the current time in nanoseconds; only differences between two calls mean anything} */
    long nanoTime();

    /**
     * Waits on {@code condition}, whose lock the caller holds, until it is signalled or about {@code nanos} of this
     * ticker's time have passed, as {@link Condition#awaitNanos} does on real time. Like it, it may return early for
     * no reason: the caller loops on its own deadline, read from {@link #nanoTime()}. A fake ticker overrides this so
     * that its waits end when the test advances its time.
     *
     * @param condition the condition to wait on; its lock is held
     * @param nanos     how long to wait at most, in this ticker's time
     * @throws InterruptedException if the thread is interrupted
     */
    default void awaitNanos(Condition condition, long nanos) throws InterruptedException {
        condition.awaitNanos(nanos);
    }
}
