package dev.vigil.internal.heartbeat;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The ledger of this JVM's measured stalls: each one an interval of {@link Ticker} time during which the heartbeat
 * timer should have been running and was not (a stop-the-world pause, a suspended or overcommitted VM, a starved
 * machine). Silence that falls inside a recorded stall is not held against a peer, and nothing else is: a task asks
 * {@link #stalledWithin} for the part of a silence we ourselves missed, so a dead peer is declared dead by its
 * timeout plus that much, however often the stalls repeat.
 *
 * <p>Cassandra's failure detector stops convicting anyone for a while after a local pause of more than five seconds;
 * that switches detection off under repeated pauses. LatencyUtils' {@code SimplePauseDetector} measures each stall
 * as the oversleep of threads that wake on a schedule. Vigil does the latter with the one thread it already has (see
 * {@link HeartbeatTimer}) and forgives what was measured, no more.
 *
 * <p>The last {@value #CAPACITY} stalls are kept; an older stall stops being forgiven (a silence long enough to span
 * that many stalls is judged as if they had not happened). Thread-safe: the timer records, any thread may ask.
 */
public final class LocalPauses implements Stalls {
    /** How many stalls are remembered. */
    static final int CAPACITY = 64;

    private final ReentrantLock lock = new ReentrantLock();
    private final long[] starts = new long[CAPACITY];
    private final long[] ends = new long[CAPACITY];
    private int count;
    private int newest = -1;
    private long total;
    private long recorded;
    private long longest;

    /**
     * Records that this JVM stalled from {@code from} to {@code to}. Stalls are recorded in time order; a stall that
     * overlaps the newest one extends it.
     */
    void record(long from, long to) {
        if (to - from <= 0) {
            return;
        }
        lock.lock();
        try {
            if (count > 0 && from - ends[newest] <= 0) {
                if (to - ends[newest] > 0) {
                    total += to - ends[newest];
                    ends[newest] = to;
                    longest = Math.max(longest, to - starts[newest]);
                }
                return;
            }
            newest = (newest + 1) % CAPACITY;
            starts[newest] = from;
            ends[newest] = to;
            count = Math.min(count + 1, CAPACITY);
            total += to - from;
            recorded++;
            longest = Math.max(longest, to - from);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long stalledWithin(long from, long to) {
        if (to - from <= 0) {
            return 0;
        }
        lock.lock();
        try {
            long sum = 0;
            for (int i = 0, at = newest; i < count; i++, at = (at + CAPACITY - 1) % CAPACITY) {
                if (ends[at] - from <= 0) {
                    break; // this stall and every older one ended before the interval began
                }
                long overlap = earlier(ends[at], to) - later(starts[at], from);
                if (overlap > 0) {
                    sum += overlap;
                }
            }
            return sum;
        } finally {
            lock.unlock();
        }
    }

    // nanoTime values wrap around: compare by difference, never by value.
    private static long earlier(long a, long b) {
        return a - b <= 0 ? a : b;
    }

    private static long later(long a, long b) {
        return a - b >= 0 ? a : b;
    }

    /** {@return how many stalls were recorded (stalls that merged into the previous one count once)} */
    long count() {
        lock.lock();
        try {
            return recorded;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the sum of every recorded stall, in nanoseconds} */
    long totalNanos() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the longest recorded stall, in nanoseconds} */
    long longestNanos() {
        lock.lock();
        try {
            return longest;
        } finally {
            lock.unlock();
        }
    }
}
