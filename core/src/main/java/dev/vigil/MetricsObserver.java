package dev.vigil;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Hears the numbers a metrics system wants, with no metrics library in Vigil: bind it to Micrometer, Prometheus or
 * your own counters (the {@code dev.vigil:vigil-micrometer} module is a Micrometer binding). Set with
 * {@link ConnectionManager.Builder#metrics}. Heartbeat timeouts are closes whose reason is
 * {@link CloseReason.Kind#HEARTBEAT_TIMEOUT}; queue depth is {@link ConnectionStats#queuedMessages()}, read when your
 * gauge is sampled.
 *
 * <p>Called on the connections' own threads (reader and writer), the accept thread, and the manager's heartbeat timer
 * thread ({@link #sent} for a PING the timer writes itself), concurrently for different connections: an
 * implementation must be thread-safe, quick and must not block (on the timer, it would delay every heartbeat). What it throws is logged and
 * dropped. Every method has a default that does nothing.
 */
public interface MetricsObserver {

    /** An observer that ignores everything; the default. */
    MetricsObserver NONE = new MetricsObserver() {
    };

    /**
     * A connection completed its handshake (before {@link ConnectionListener#onOpen}).
     *
     * @param connection the connection
     */
    default void opened(Connection<?> connection) {
    }

    /**
     * A connection that had opened is closed (before {@link ConnectionListener#onClose}).
     *
     * @param connection the connection
     * @param reason     why
     */
    default void closed(Connection<?> connection, CloseReason reason) {
    }

    /**
     * A connection ended before its handshake completed (refused by the peer, not a Vigil peer, timed out).
     *
     * @param remote the peer's address
     * @param reason why
     */
    default void handshakeFailed(InetSocketAddress remote, CloseReason reason) {
    }

    /**
     * A server refused a connection by a limit or its {@link ConnectionFilter}, before it got a thread.
     *
     * @param remote the peer's address
     * @param reason what the peer was told
     */
    default void refused(InetSocketAddress remote, String reason) {
    }

    /**
     * Bytes arrived and were decoded: called once per read from the socket.
     *
     * @param connection the connection
     * @param frames     complete frames decoded in this read (control frames included)
     * @param bytes      bytes read
     */
    default void received(Connection<?> connection, int frames, int bytes) {
    }

    /**
     * Frames were written to the socket: called once per write call.
     *
     * @param connection the connection
     * @param frames     frames written (control frames included)
     * @param bytes      bytes written
     */
    default void sent(Connection<?> connection, int frames, int bytes) {
    }

    /**
     * A PONG answered a PING.
     *
     * @param connection the connection
     * @param rtt        the round-trip time
     */
    default void rtt(Connection<?> connection, Duration rtt) {
    }

    /**
     * A session resumed on this connection (sessions, see {@link SessionPolicy}): on the server that took the resume
     * and on the client that asked, on the connection's reader.
     *
     * @param connection       the connection the session carries on on
     * @param replayedToPeer   DATA frames this side sends again
     * @param replayedFromPeer DATA frames the peer sends again
     */
    default void sessionResumed(Connection<?> connection, long replayedToPeer, long replayedFromPeer) {
    }

    /**
     * A session could not be resumed; a new one started on this connection. Both sides, on the reader.
     *
     * @param connection the connection the new session starts on
     * @param reason     why
     * @param handedBack messages of the old session handed back to this side's application
     */
    default void sessionResumeFailed(Connection<?> connection, ResumeFailure reason, int handedBack) {
    }

    /**
     * The peer confirmed delivering messages of this side's session (an ACK, or the count in a resume): their
     * {@link Delivery#delivered()} futures complete. On the reader.
     *
     * @param connection the connection the count came on
     * @param messages   how many messages the count confirmed, at least 1
     */
    default void deliveryConfirmed(Connection<?> connection, int messages) {
    }
}
