package dev.vigil.benchmarks;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Heartbeat lateness as a peer sees it: each time a heartbeat frame arrives on an idle connection, how much longer
 * than the heartbeat interval it had gone without hearing from the other end. Both ends PING after an interval of
 * silence, so on a healthy idle connection a frame arrives about once per interval, and lateness is near zero; a
 * heartbeat timer that falls behind, or a reader that wakes late, shows up as lateness; past the timeout less the
 * interval, the connection would be declared dead.
 *
 * <p>A histogram of 1 ms buckets up to 10 s (and one bucket above), safe to record into from many threads.
 * Snapshots travel between processes as text ({@link #encode()}, {@link #decode(String)}).
 */
final class Lateness {
    /** Lateness of this many milliseconds or more falls in the last bucket. */
    static final int MAX_MILLIS = 10_000;

    private final AtomicLongArray counts = new AtomicLongArray(MAX_MILLIS + 1);

    /**
     * Records one arrival.
     *
     * @param lateNanos how much longer than the interval the silence before it lasted; earlier than the interval
     *                  counts as on time
     */
    void record(long lateNanos) {
        counts.incrementAndGet(bucket(lateNanos));
    }

    private static int bucket(long lateNanos) {
        return (int) Math.min(MAX_MILLIS, Math.max(0, lateNanos) / 1_000_000);
    }

    /** Forgets everything recorded so far. */
    void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
    }

    /** {@return the counts, as text: {@code bucket:count} for every bucket that is not empty, space-separated} */
    String encode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < counts.length(); i++) {
            long c = counts.get(i);
            if (c != 0) {
                sb.append(sb.isEmpty() ? "" : " ").append(i).append(':').append(c);
            }
        }
        return sb.toString();
    }

    /**
     * {@return the counts per bucket, from {@link #encode()}'s text}
     *
     * @param text what {@link #encode()} wrote
     */
    static long[] decode(String text) {
        long[] c = new long[MAX_MILLIS + 1];
        for (String pair : text.trim().split(" ")) {
            if (pair.isEmpty()) {
                continue;
            }
            int colon = pair.indexOf(':');
            c[Integer.parseInt(pair.substring(0, colon))] += Long.parseLong(pair.substring(colon + 1));
        }
        return c;
    }

    /**
     * Adds one histogram's counts into another.
     *
     * @param into the sum so far, changed
     * @param more what to add
     */
    static void add(long[] into, long[] more) {
        for (int i = 0; i < into.length; i++) {
            into[i] += more[i];
        }
    }

    /** {@return how many arrivals the histogram holds} */
    static long total(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /**
     * {@return the lateness that {@code percent} of the arrivals stayed within, in milliseconds (the upper edge of
     * the 1 ms bucket it falls in), or -1 if there were none}
     *
     * @param counts  the histogram
     * @param percent 0 to 100; 100 gives the largest
     */
    static long percentileMillis(long[] counts, double percent) {
        long n = total(counts);
        if (n == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(n * percent / 100));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i + 1;
            }
        }
        return MAX_MILLIS + 1;
    }
}
