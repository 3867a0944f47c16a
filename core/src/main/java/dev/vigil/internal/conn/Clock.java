package dev.vigil.internal.conn;

/** Monotonic time in nanoseconds; a real one in production, a fake one that a test advances. */
@FunctionalInterface
public interface Clock {
    long nanoTime();
}
