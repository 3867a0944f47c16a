package dev.vigil.internal;

/** A source of monotonic time in nanoseconds; tests use a fake one that they advance by hand. */
@FunctionalInterface
interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanoTime();
}
