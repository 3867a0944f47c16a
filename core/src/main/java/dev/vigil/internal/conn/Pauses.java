package dev.vigil.internal.conn;

/**
 * What the timer measured of this JVM's own stalls (a long GC pause, a suspended VM, an overloaded machine), so that
 * silence that fell inside a stall of ours is not held against the peer, and nothing more is forgiven.
 */
@FunctionalInterface
public interface Pauses {
    /** No stall measured. */
    Pauses NONE = (from, to) -> 0;

    /** How many nanoseconds of {@code [from, to]} this JVM measurably stalled. */
    long stalledWithin(long from, long to);
}
