package dev.vigil.internal.session;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One side's inbound half of a session: how many of the peer's DATA frames it delivered to the application, which
 * arriving frames are replayed copies to drop, and when an ACK is due.
 *
 * <p>DATA frames carry no number on the wire: the n-th DATA frame of a connection is frame {@code start + n}, where
 * {@code start} is the count this side announced when the connection began (its resume request or the server's
 * answer; 0 in a new session). Each connection reads through its own {@link Cursor}, and only the newest cursor
 * delivers: a server may still be reading a displaced connection (the client came back on a new one before the
 * server noticed the old one die), and what still arrives there is a copy of what the client replays on the new one.
 * Such a frame is a {@link Verdict#DUPLICATE}, dropped, so of the two copies exactly one is delivered. The displaced
 * connection is fenced, as a producer epoch fences a zombie: it can never deliver a frame after the count the server
 * announced, so that count stays true.
 *
 * <p>ACK timing is a pure function of {@code now}: an ACK is due when {@code ackEvery} frames were delivered since
 * the last one sent, or {@code ackInterval} after the first delivery it does not cover. Thread-safe.
 */
public final class ReceiveCounter {
    private final int ackEvery;
    private final long ackIntervalNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private long delivered;
    private long duplicates;
    private long ackedUpTo;
    private long firstUnackedAt;
    private boolean sealed;
    private long generation;

    /** What to do with an arriving DATA frame. */
    public enum Verdict {
        /** Deliver it to the application: it is the next frame of the session. */
        DELIVER,
        /** Drop it: it came on a displaced connection; its copy comes on the current one. */
        DUPLICATE,
        /** Drop it: the session ended ({@link #seal()}); the sender hands this frame back to its application. */
        ENDED
    }

    /**
     * Makes a counter at 0.
     *
     * @param ackEvery         frames delivered after which an ACK is due
     * @param ackIntervalNanos nanoseconds after the first unacknowledged delivery after which an ACK is due
     */
    public ReceiveCounter(int ackEvery, long ackIntervalNanos) {
        if (ackEvery < 1 || ackIntervalNanos <= 0) {
            throw new IllegalArgumentException("ackEvery " + ackEvery + ", ackIntervalNanos " + ackIntervalNanos);
        }
        this.ackEvery = ackEvery;
        this.ackIntervalNanos = ackIntervalNanos;
    }

    /**
     * Starts reading a new connection of the session: the count now is what this side announces to the peer (in its
     * resume request or answer), so it counts as acknowledged.
     *
     * @return the connection's cursor
     */
    public Cursor cursor() {
        lock.lock();
        try {
            ackedUpTo = delivered;
            return new Cursor(delivered, ++generation);
        } finally {
            lock.unlock();
        }
    }

    /** Reads one connection's DATA frames, numbering them. Not thread-safe: the connection's reader owns it. */
    public final class Cursor {
        private final long start;
        private final long generation;
        private long next;

        private Cursor(long start, long generation) {
            this.start = start;
            this.generation = generation;
            this.next = start + 1;
        }

        /** {@return the count this side announced when the connection began: frames after it come on it} */
        public long start() {
            return start;
        }

        /**
         * A DATA frame arrived on this connection.
         *
         * @param now the ticker's time
         * @return whether to deliver it or drop it
         */
        public Verdict onData(long now) {
            long position = next++;
            lock.lock();
            try {
                if (sealed) {
                    return Verdict.ENDED;
                }
                if (generation != ReceiveCounter.this.generation) {
                    duplicates++;
                    return Verdict.DUPLICATE;
                }
                // Only the newest cursor delivers, and it started at the delivered count: position == delivered + 1.
                if (delivered == ackedUpTo) {
                    firstUnackedAt = now;
                }
                delivered = position;
                return Verdict.DELIVER;
            } finally {
                lock.unlock();
            }
        }

        /** {@return the number the next DATA frame on this connection will have} */
        public long next() {
            return next;
        }
    }

    /**
     * {@return whether an ACK is due at {@code now}}
     *
     * @param now the ticker's time
     */
    public boolean ackDue(long now) {
        lock.lock();
        try {
            long owed = delivered - ackedUpTo;
            return owed >= ackEvery || owed > 0 && now - firstUnackedAt >= ackIntervalNanos;
        } finally {
            lock.unlock();
        }
    }

    /** {@return when the owed ACK falls due by time, in ticker nanoseconds; {@link Long#MAX_VALUE} if none is owed} */
    public long ackDeadline() {
        lock.lock();
        try {
            return delivered > ackedUpTo ? firstUnackedAt + ackIntervalNanos : Long.MAX_VALUE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the ACK to send: due or not, so it can ride in a write that goes out anyway (piggybacked ahead of DATA).
     *
     * @return the count to put in the ACK frame, or -1 if the peer already has it
     */
    public long takeAck() {
        lock.lock();
        try {
            if (delivered == ackedUpTo) {
                return -1;
            }
            ackedUpTo = delivered;
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the session's inbound half: every later frame, on any connection, is {@link Verdict#ENDED}. So the count
     * given to the peer when the session is refused or expires stays true.
     *
     * @return the final delivered count
     */
    public long seal() {
        lock.lock();
        try {
            sealed = true;
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many of the peer's DATA frames this side delivered in the session} */
    public long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many replayed copies were dropped} */
    public long duplicates() {
        lock.lock();
        try {
            return duplicates;
        } finally {
            lock.unlock();
        }
    }
}
