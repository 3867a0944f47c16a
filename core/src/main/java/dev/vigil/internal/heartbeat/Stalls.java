package dev.vigil.internal.heartbeat;

/**
 * How much of an interval of {@link Ticker} time this JVM measurably stalled: the question a heartbeat verdict asks
 * of {@link LocalPauses}, as an interface so that any ledger (or a lambda in a test) can answer it.
 */
@FunctionalInterface
interface Stalls {
    /** No stall, ever. */
    Stalls NONE = (from, to) -> 0;

    /** {@return how much of {@code [from, to]} this JVM measurably stalled, in nanoseconds; 0 when it did not} */
    long stalledWithin(long from, long to);
}
