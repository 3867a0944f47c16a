package dev.vigil.internal.conn;

import java.util.function.LongSupplier;

/**
 * Where a connection's owed ACK stands on its timer ({@code docs/protocol.md} 5.4: an ACK leaves at the latest
 * {@code ackInterval} after the first delivery it does not cover). The connection has one timer entry; moving it to a
 * later deadline would delay whatever it was set for, so a delivery moves it only when its ACK falls due before the
 * timer's next wake-up, which this remembers.
 *
 * <p>Threads: {@link #arm} on the reader after a delivery, {@link #fired} on the timer, at the same time. The timer
 * publishes the wake-up it is about to return <em>before</em> it reads the ACK deadline, so either it sees the
 * delivery's ACK deadline (and returns it), or the delivery sees that wake-up (and, its ACK falling due first, moves
 * the timer; the timer keeps the earlier of the two). Reading the deadline first, a delivery in between would compare
 * with the wake-up that had just passed, not move the timer, and its ACK would wait for the next heartbeat wake-up.
 */
final class SessionAckTimer {
    /**
     * The timer's next wake-up as far as this knows, in ticker nanoseconds. Before the timer first ran, its first run
     * is already due (the core schedules it at the open, before any delivery), so no delivery moves it: moving it
     * would put that first run off by up to the ACK interval.
     */
    private volatile long next = Long.MIN_VALUE;

    /**
     * A delivery left an ACK owed by time (reader).
     *
     * @param deadline when that ACK falls due
     * @return whether to move the timer to {@code deadline}: it falls due before the timer's next wake-up
     */
    boolean arm(long deadline) {
        if (deadline >= next) {
            return false;
        }
        next = deadline;
        return true;
    }

    /**
     * The timer fired (timer).
     *
     * @param wakeUp      when the connection's other rules want the timer next
     * @param ackDeadline reads when the owed ACK falls due ({@link Long#MAX_VALUE} if none is owed)
     * @return the timer's next wake-up: the earlier of the two
     */
    long fired(long wakeUp, LongSupplier ackDeadline) {
        next = wakeUp; // first: a delivery from here on compares with a wake-up still to come
        long deadline = Math.min(wakeUp, ackDeadline.getAsLong());
        next = deadline;
        return deadline;
    }
}
