package dev.vigil.internal;

/** A source of monotonic time in nanoseconds; tests use a fake one that they advance by hand. */
@FunctionalInterface
public interface Ticker {
    /** The JVM's monotonic clock, {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /** {@return the current time in nanoseconds, only meaningful as a difference to another reading} */
    long nanoTime();
}
