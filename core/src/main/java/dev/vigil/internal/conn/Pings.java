package dev.vigil.internal.conn;

/**
 * This side's PINGs: the nonce of the last one (its send time), whether it is unanswered, and the counts. Written by
 * the writer that encodes a PING, read by the reader that sees the PONG and by the timer.
 */
final class Pings {
    private final long createdNanos;
    private volatile long lastNonce;
    private volatile boolean outstanding;
    private volatile long sent;
    private volatile long answered;

    Pings(long createdNanos) {
        this.createdNanos = createdNanos;
    }

    void sent(long nonce) {
        lastNonce = nonce;
        outstanding = true;
        sent = sent + 1;
    }

    /**
     * A PONG arrived.
     *
     * @param nonce  the nonce it echoes, if {@code echoed}
     * @param echoed false when the framing's PONG carries no nonce: it answers the last PING
     * @return the send time of the PING it answers, or {@link Long#MIN_VALUE} if it answers none of ours (a sign of
     *         life and nothing more)
     */
    long answered(long nonce, boolean echoed) {
        // Our nonce is the PING's send time, so any PONG echoing a nonce we could have sent is an RTT sample, even one
        // overtaken by a later PING.
        long latest = lastNonce;
        boolean ours = echoed ? nonce - createdNanos >= 0 && latest - nonce >= 0 : outstanding;
        if (!ours || sent == 0) {
            return Long.MIN_VALUE;
        }
        long sentAt = echoed ? nonce : latest;
        if (sentAt == latest) {
            outstanding = false;
        }
        answered = answered + 1;
        return sentAt;
    }

    boolean outstanding() {
        return outstanding;
    }

    long answered() {
        return answered;
    }
}
