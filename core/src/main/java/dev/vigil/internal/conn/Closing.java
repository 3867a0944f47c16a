package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.ConnectionState;
import org.jetbrains.annotations.Nullable;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The graceful ways a connection ends: the application's close, a rejection, a manager's shutdown, the peer's CLOSE
 * or FIN, and a heartbeat timeout. Each first claims the close reason (the first wins; the rest do nothing), then
 * asks for the CLOSE frame after every message queued before it (or, for a rejection or timeout, instead of them)
 * and sets the close deadline, after which the timer cuts the transport.
 */
final class Closing<M> {
    /** What a side that did not start the close sends back: code 2, CLOSED_BY_PEER. */
    private static final CloseReason ANSWER = CloseReason.local(Kind.CLOSED_BY_PEER, "closing as the peer asked");
    /** How long a peer declared dead gets to take our CLOSE frame before the transport is cut. */
    private static final long TELL_PEER_WAIT = TimeUnit.MILLISECONDS.toNanos(50);
    /** How long an end of stream waits for a blocked writer to report a reset. */
    private static final long EOF_WRITER_WAIT = TimeUnit.MILLISECONDS.toNanos(100);

    private final ConnectionCore<M> core;
    private final Outbound<M> outbound;
    private final Clock clock;
    private final long closeTimeout;
    /** Set by whichever thread ends the connection, read by the timer and the reader: the earliest wins. */
    private final AtomicLong deadline = new AtomicLong(ConnectionCore.NO_DEADLINE);

    Closing(ConnectionCore<M> core, Outbound<M> outbound, Clock clock, long closeTimeout) {
        this.core = core;
        this.outbound = outbound;
        this.clock = clock;
        this.closeTimeout = closeTimeout;
    }

    long deadline() {
        return deadline.get();
    }

    /** The peer closed (CLOSE frame or FIN): flush what we accepted, answer with our CLOSE, then close. */
    void begin(CloseReason reason) {
        if (core.claim(reason)) {
            requestCloseFrame(ANSWER);
        }
    }

    /** This side closes: queued messages go out, then the CLOSE frame. Before the handshake, the transport closes. */
    void graceful(CloseReason reason) {
        if (core.state() == ConnectionState.CONNECTING) {
            core.abort(reason, false);
        } else if (core.claim(reason)) {
            requestCloseFrame(reason);
        }
    }

    /**
     * The peer broke a rule: what is queued for it (the replies to its earlier frames) goes out, then the CLOSE frame
     * with the reason; before the handshake, the transport closes after a CLOSE sent at once.
     */
    void fatal(CloseReason reason) {
        if (core.state() == ConnectionState.CONNECTING) {
            core.abort(reason, true);
        } else if (core.claim(reason)) {
            requestCloseFrame(reason);
        }
    }

    /** This side refuses the peer: queued messages fail, and the CLOSE frame goes out next. */
    void reject(CloseReason reason) {
        if (!core.claim(reason)) {
            return;
        }
        outbound.lock.lock();
        try {
            outbound.failQueuedLocked(reason);
        } finally {
            outbound.lock.unlock();
        }
        requestCloseFrame(reason);
    }

    /** The heartbeat declared the peer dead: tell it why off the timer thread, then close. */
    boolean heartbeatTimeout(CloseReason reason, long now) {
        if (!core.claim(reason)) {
            return false;
        }
        core.closeOutput(reason);
        // If the peer is only deaf one way it should learn why; the timer must not block on the write. Should the
        // write block, the close deadline cuts the transport anyway.
        deadline.accumulateAndGet(now + TELL_PEER_WAIT, Math::min);
        core.spawn("closer", () -> {
            // A writer busy with a PING when the verdict came would otherwise cost the peer its CLOSE frame.
            outbound.tellPeer(reason, TELL_PEER_WAIT);
            core.closeTransport();
        });
        return true;
    }

    /**
     * The peer sent FIN. Before the handshake ends, or in the middle of a frame, that ends the connection with
     * {@code handshakeReason}; otherwise the peer is taken to have closed (without a CLOSE frame, where the framing
     * has one), and is answered as if it had sent one.
     */
    void endOfStream(@Nullable CloseReason handshakeReason, boolean framingHasClose) {
        if (handshakeReason != null) {
            core.abort(handshakeReason, true);
            return;
        }
        // A reset that a blocked writer hits first leaves the reader a plain end of stream: give the writer a moment
        // to report it, so that a reset is reported as one.
        outbound.awaitWriterIdle(clock.nanoTime() + EOF_WRITER_WAIT);
        begin(new CloseReason(Kind.CLOSED_BY_PEER, false, framingHasClose
                ? "peer closed the TCP connection without a CLOSE frame" : "peer closed the connection", null));
    }

    private void requestCloseFrame(CloseReason reason) {
        boolean spawn;
        outbound.lock.lock();
        try {
            core.markClosingLocked();
            spawn = outbound.closeAfterDataLocked(reason);
        } finally {
            outbound.lock.unlock();
        }
        core.schedule(deadline.accumulateAndGet(clock.nanoTime() + closeTimeout, Math::min));
        outbound.startWriting(false, spawn);
    }
}
