package dev.vigil.internal.session;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's view of the peer's ACKs for a session: counts on one connection only grow. The mirror of
 * {@link ReceiveCounter.Cursor}. Not thread-safe: the connection's reader owns it.
 *
 * <p>A displaced connection (the client came back on a new one while the server still read the old) may deliver an
 * ACK older than the resume count; it releases nothing and is no error, because each connection is checked against
 * its own history.
 *
 * @param <M> the type of messages
 */
public final class AckCursor<M> {
    private final ReplayBuffer<M> buffer;
    private long last;

    /**
     * Starts a cursor.
     *
     * @param buffer the session's replay buffer
     * @param start  the peer's count when this connection started: its resume count, or 0 in a new session
     */
    public AckCursor(ReplayBuffer<M> buffer, long start) {
        this.buffer = buffer;
        this.last = start;
    }

    /**
     * Applies an ACK the peer sent on this connection.
     *
     * @param count the peer's cumulative delivered count
     * @return the entries it released, oldest first; the caller completes their delivery futures
     * @throws SessionProtocolException if the count goes backwards on this connection or covers frames never sent
     */
    public List<ReplayBuffer.Entry<M>> onAck(long count) throws SessionProtocolException {
        List<ReplayBuffer.Entry<M>> released = new ArrayList<>();
        onAck(count, released);
        return released;
    }

    /**
     * As {@link #onAck(long)}, into the reader's own list, so an ACK allocates none.
     *
     * @param count    the peer's cumulative delivered count
     * @param released receives the entries it released, oldest first
     * @throws SessionProtocolException if the count goes backwards on this connection or covers frames never sent
     */
    public void onAck(long count, List<ReplayBuffer.Entry<M>> released) throws SessionProtocolException {
        if (count < last) {
            throw new SessionProtocolException("ACK " + count + " goes backwards: the peer acknowledged " + last
                    + " frames before");
        }
        buffer.release(count, released);
        last = count;
    }

    /** {@return the highest count the peer sent on this connection} */
    public long last() {
        return last;
    }
}
