package dev.vigil.internal.session;

import org.jetbrains.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's whole session duty, for the connection core to call at its fixed points; no I/O, no thread, time
 * as an argument. Made from the {@link Link} of the admission (server) or of the client's outcome.
 *
 * <ul>
 *   <li>a DATA frame arrived: {@link #onData(long)} says deliver or drop;</li>
 *   <li>an ACK frame arrived: {@link #onAck} decodes and checks it and returns what it confirmed;</li>
 *   <li>the writer has room: {@link #pull(int)} gives the next DATA frames, replay first, in order, and
 *       {@link #piggyback()} the ACK frame to put ahead of them;</li>
 *   <li>the timer fires: {@link #onTimer(long)} gives an ACK frame if one is due, {@link #nextDeadline()} when to
 *       come back;</li>
 *   <li>closing gracefully: {@link #piggyback()} once more, before the CLOSE frame.</li>
 * </ul>
 *
 * Not thread-safe: the inbound methods belong to the connection's reader, the outbound ones to its writer, the timer
 * one to whoever runs the connection's timer under the connection's lock; the session state they share is
 * thread-safe on its own.
 *
 * @param <M> the type of messages
 */
public final class SessionChannel<M> {
    private final Link<M> link;
    private long written;

    /**
     * Starts the connection's part of the session.
     *
     * @param link the link the admission or the client's outcome made
     */
    public SessionChannel(Link<M> link) {
        this.link = link;
        this.written = link.acks().last();
    }

    /** {@return the link} */
    public Link<M> link() {
        return link;
    }

    /**
     * A DATA frame arrived on this connection.
     *
     * @param now the ticker's time
     * @return deliver it, or drop it
     */
    public ReceiveCounter.Verdict onData(long now) {
        return link.data().onData(now);
    }

    /**
     * An ACK frame arrived on this connection.
     *
     * @param b   the bytes
     * @param off where its payload starts
     * @param len the payload's length
     * @return the entries it confirmed, oldest first: complete their delivery futures ({@link Settlement#confirm})
     * @throws SessionProtocolException if it is malformed, goes backwards or confirms frames never sent
     */
    public List<ReplayBuffer.Entry<M>> onAck(byte[] b, int off, int len) throws SessionProtocolException {
        List<ReplayBuffer.Entry<M>> released = new ArrayList<>();
        onAck(b, off, len, released);
        return released;
    }

    /**
     * As {@link #onAck(byte[], int, int)}, into the reader's own list, so an ACK allocates none.
     *
     * @param b        the bytes
     * @param off      where its payload starts
     * @param len      the payload's length
     * @param released receives the entries it confirmed, oldest first
     * @throws SessionProtocolException if it is malformed, goes backwards or confirms frames never sent
     */
    public void onAck(byte[] b, int off, int len, List<ReplayBuffer.Entry<M>> released)
            throws SessionProtocolException {
        link.acks().onAck(SessionWire.decodeAck(b, off, len), released);
    }

    /**
     * The writer takes the next DATA frames to write: the replay first, then new sends, each exactly once on this
     * connection, in order.
     *
     * @param max the most to take
     * @return the entries, oldest first; write their {@link ReplayBuffer.Entry#payload()} as DATA frames
     */
    public List<ReplayBuffer.Entry<M>> pull(int max) {
        List<ReplayBuffer.Entry<M>> next = new ArrayList<>();
        pull(max, next);
        return next;
    }

    /**
     * As {@link #pull(int)}, into the writer's own list, so a batch allocates none.
     *
     * @param max  the most to take
     * @param into receives the entries, oldest first
     */
    public void pull(int max, List<ReplayBuffer.Entry<M>> into) {
        int before = into.size();
        link.session().out().next(written, max, into);
        if (into.size() > before) {
            written = into.getLast().position();
        }
    }

    /** {@return whether {@link #pull} has something: a send or a replayed frame not yet written here} */
    public boolean hasData() {
        return link.session().out().sent() > written;
    }

    /** {@return the position of the last DATA frame this connection wrote} */
    public long written() {
        return written;
    }

    /**
     * {@return an ACK frame to write ahead of the batch going out anyway, or null if the peer has the count} Call it
     * for every batch with DATA, and before the CLOSE frame.
     */
    public byte @Nullable [] piggyback() {
        long count = link.session().in().takeAck();
        return count < 0 ? null : SessionWire.ackFrame(count);
    }

    /**
     * The connection's timer fired.
     *
     * @param now the ticker's time
     * @return an ACK frame to write now (a control frame, ahead of queued DATA), or null if none is due
     */
    public byte @Nullable [] onTimer(long now) {
        return link.session().in().ackDue(now) ? piggyback() : null;
    }

    /** {@return when an ACK falls due by time, in ticker nanoseconds; Long.MAX_VALUE if none is owed} */
    public long nextDeadline() {
        return link.session().in().ackDeadline();
    }
}
