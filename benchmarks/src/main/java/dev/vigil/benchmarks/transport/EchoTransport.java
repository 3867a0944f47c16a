package dev.vigil.benchmarks.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * One networking implementation as the benchmarks see it: an echo server and client connections to it. Each
 * benchmark uses the same implementation on both ends of every connection.
 *
 * <p>{@code netty} and {@code socket} share one framing: a 4-byte big-endian length, then the payload. With a
 * heartbeat, a frame whose payload is the single byte {@link Frames#PING} or {@link Frames#PONG} is a control frame,
 * so data payloads are never one byte long. {@code vigil} uses Vigil's own wire format, which also frames with a
 * 4-byte length (plus a type byte).
 *
 * <p>Close releases every socket and waits, for a bounded time, for every thread the implementation started.
 */
public sealed interface EchoTransport extends AutoCloseable
        permits VigilTransport, NettyTransport, SocketTransport {

    /** The address every server binds and every client connects to. */
    InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** How long any wait in a transport may take before it gives up; nothing in a benchmark waits forever. */
    Duration WAIT = Duration.ofSeconds(30);

    /**
     * {@return a new transport}
     *
     * @param impl {@code vigil}, {@code vigil-sessions}, {@code vigil-spin} (readers spin before they block),
     *             {@code netty}, {@code socket} (a platform thread per connection) or {@code socket-virtual} (the
     *             same on virtual threads)
     */
    static EchoTransport of(String impl) {
        return switch (impl.toLowerCase(Locale.ROOT)) {
            case "vigil" -> new VigilTransport();
            case "vigil-sessions" -> new VigilTransport(dev.vigil.SessionPolicy.defaults(), Duration.ZERO);
            // Readers spin up to 100 us (vigil-spin-<us>: that many) before they block (docs/tuning.md).
            case "vigil-spin" -> new VigilTransport(null, Duration.ofNanos(100_000));
            case String s when s.startsWith("vigil-spin-") ->
                    new VigilTransport(null, Duration.ofNanos(1_000L * Integer.parseInt(s.substring(11))));
            case "netty" -> new NettyTransport();
            case "socket" -> new SocketTransport(false);
            case "socket-virtual" -> new SocketTransport(true);
            default -> throw new IllegalArgumentException("impl: " + impl
                    + " (expected vigil, vigil-sessions, vigil-spin, netty, socket or socket-virtual)");
        };
    }

    /**
     * Starts the echo server on the loopback address, on a free port: every data frame is sent back as it came.
     *
     * @param heartbeat the heartbeat of every accepted connection, or {@code null} for none (Vigil: its default)
     * @param events    hears connections open and close
     * @return the bound address
     * @throws IOException if the server cannot start
     */
    InetSocketAddress startServer(Heartbeat heartbeat, ServerEvents events) throws IOException;

    /**
     * Opens a client connection, and returns when it can send (for Vigil: when the handshake is done).
     *
     * @param server    the server's address
     * @param heartbeat the connection's heartbeat, or {@code null} for none (Vigil: its default); the same for every
     *                  client of one transport
     * @param listener  hears the echoes, on the implementation's I/O thread for this connection
     * @return the connection
     * @throws IOException if it cannot connect
     */
    Client connect(InetSocketAddress server, Heartbeat heartbeat, EchoListener listener) throws IOException;

    /** Closes every client, then the server, and waits for their threads. Bounded in time; never throws. */
    @Override
    void close();

    /**
     * A fixed heartbeat: a PING after {@code interval} of silence (and again every interval while silence lasts),
     * and the peer is dead after {@code timeout} of silence. Any frame received is a sign of life.
     *
     * @param interval silence before a PING
     * @param timeout  silence after which the connection is closed as timed out
     */
    record Heartbeat(Duration interval, Duration timeout) {
        /** The idle-scale benchmark's: 1 s, 3 s. */
        public static final Heartbeat ONE_SECOND = new Heartbeat(Duration.ofSeconds(1), Duration.ofSeconds(3));

        /** Checks that the timeout is longer than the interval. */
        public Heartbeat {
            if (!interval.isPositive() || timeout.compareTo(interval) <= 0) {
                throw new IllegalArgumentException("heartbeat: interval " + interval + ", timeout " + timeout);
            }
        }
    }

    /** Hears a server's connections. Called on the implementation's threads; must be thread-safe. */
    interface ServerEvents {
        /** Ignores everything. */
        ServerEvents NONE = new ServerEvents() {
        };

        /**
         * A connection was accepted (for Vigil: its handshake completed).
         *
         * @param remote the peer's address
         */
        default void onOpen(InetSocketAddress remote) {
        }

        /**
         * A server-side connection closed.
         *
         * @param remote           the peer's address
         * @param heartbeatTimeout whether it closed because the peer was silent past the heartbeat timeout
         */
        default void onClose(InetSocketAddress remote, boolean heartbeatTimeout) {
        }
    }

    /** Hears one client connection. */
    interface EchoListener {
        /**
         * An echo arrived. Sends made here are flushed by the transport at the end of the current read batch.
         *
         * @param client        the connection
         * @param payloadLength the echoed payload's length
         */
        void onEcho(Client client, int payloadLength);

        /**
         * A heartbeat frame (PING or PONG) arrived. Vigil tells no frame apart from another to its user: for Vigil
         * this is called once per read from the socket that brought anything, data included, and only on
         * connections with a heartbeat; on idle connections that is once per heartbeat frame or batch of them.
         *
         * @param client the connection
         */
        default void onHeartbeat(Client client) {
        }

        /**
         * The connection closed.
         *
         * @param client           the connection
         * @param heartbeatTimeout whether the server went silent past the heartbeat timeout
         */
        default void onClose(Client client, boolean heartbeatTimeout) {
        }
    }

    /** A client connection. Thread-safe. */
    interface Client extends AutoCloseable {
        /**
         * Sends a data frame. May stay buffered until {@link #flush()} (or the end of the read batch, when called
         * from {@link EchoListener#onEcho}).
         *
         * @param payload the payload; never one byte long
         */
        void send(byte[] payload);

        /** Writes out what {@link #send} buffered. */
        void flush();

        /** Closes the connection; does nothing if it is closed already. */
        @Override
        void close();
    }
}
