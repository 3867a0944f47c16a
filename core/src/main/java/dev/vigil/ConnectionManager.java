package dev.vigil;

import dev.vigil.internal.Managers;
import dev.vigil.internal.Settings;
import dev.vigil.internal.Validation;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * Makes and keeps heartbeat-managed connections: a server ({@link #bind}), clients ({@link #connect}), or both at
 * once. Every connection runs on its own virtual thread; one shared timer drives every connection's heartbeat.
 *
 * <pre>{@code
 * try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
 *         .listener(new ConnectionListener<>() {
 *             public void onMessage(Connection<String> c, String message) { c.send("echo: " + message); }
 *         })
 *         .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)))
 *         .build()) {
 *     InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} shuts down with the builder's {@link Builder#shutdownGrace}.
 *
 * @param <M> the type of messages
 */
public interface ConnectionManager<M> extends AutoCloseable {

    /**
     * {@return a builder of managers whose connections carry messages of the codec's type}
     *
     * @param codec turns messages into frames and back; its {@link MessageCodec#framing()} decides the wire format
     * @param <M>   the type of messages
     */
    static <M> Builder<M> builder(MessageCodec<M> codec) {
        return new Builder<>(codec);
    }

    /**
     * Starts a server on the address. Its accept loop runs on a virtual thread of its own; each accepted connection
     * gets its own virtual thread. May be called more than once to listen on several addresses.
     *
     * @param address where to listen; port 0 picks a free port
     * @return the address actually bound (with the real port)
     * @throws IOException if the address cannot be bound
     * @throws IllegalStateException if the manager is shut down
     */
    InetSocketAddress bind(InetSocketAddress address) throws IOException;

    /**
     * Starts a server on the port, on every local interface.
     *
     * @param port the port; 0 picks a free port
     * @return the address actually bound
     * @throws IOException if the port cannot be bound
     * @throws IllegalStateException if the manager is shut down
     */
    InetSocketAddress bind(int port) throws IOException;

    /** {@return the addresses this manager listens on, in the order they were bound} */
    List<InetSocketAddress> boundAddresses();

    /**
     * Opens a client connection and waits until its handshake completes (and {@link ConnectionListener#onOpen} has
     * returned), or until the connect timeout.
     *
     * @param address the server
     * @return the open connection
     * @throws IOException if TCP cannot connect, or a {@link ConnectionClosedException} if the handshake fails or
     *                     times out
     * @throws IllegalStateException if the manager is shut down
     */
    Connection<M> connect(InetSocketAddress address) throws IOException;

    /**
     * Opens a client connection with an {@linkplain Connection#attachment() attachment} already in place when
     * {@link ConnectionListener#onOpen} runs (a session, a user name); otherwise as
     * {@link #connect(InetSocketAddress)}.
     *
     * @param address    the server
     * @param attachment the object to attach, or {@code null}
     * @return the open connection
     * @throws IOException if the connection cannot be opened
     */
    Connection<M> connect(InetSocketAddress address, @Nullable Object attachment) throws IOException;

    /**
     * Opens a client connection whose events go to a listener of its own, as the JDK's
     * {@code WebSocket.Builder.buildAsync(uri, listener)} does; otherwise as {@link #connect(InetSocketAddress)}.
     *
     * <p>The listener gets every call for this connection, {@link ConnectionListener#onOpen} (before this method
     * returns) to {@link ConnectionListener#onClose}, under the same {@linkplain ConnectionListener contract} as a
     * manager's listener; the manager's {@linkplain Builder#listener listener} hears nothing of this connection. As
     * the calls for one connection never overlap, a listener that serves only this connection needs no locking of
     * its own, and it can hold the connection's state (a session, a user) in its fields instead of an
     * {@linkplain Connection#attachment() attachment}. The manager's {@link MetricsObserver} still observes the
     * connection.
     *
     * @param address  the server
     * @param listener the listener of this connection only
     * @return the open connection
     * @throws IOException if the connection cannot be opened
     * @throws NullPointerException if {@code listener} is null (note that {@code connect(address, null)} means this
     *                              method; to connect without an attachment, call {@link #connect(InetSocketAddress)})
     */
    default Connection<M> connect(InetSocketAddress address, ConnectionListener<M> listener) throws IOException {
        return connect(address, listener, null);
    }

    /**
     * Opens a client connection with a listener of its own ({@link #connect(InetSocketAddress, ConnectionListener)})
     * and an attachment already in place when {@link ConnectionListener#onOpen} runs.
     *
     * @param address    the server
     * @param listener   the listener of this connection only
     * @param attachment the object to attach, or {@code null}
     * @return the open connection
     * @throws IOException if the connection cannot be opened
     * @throws NullPointerException if {@code listener} is null
     */
    Connection<M> connect(InetSocketAddress address, ConnectionListener<M> listener, @Nullable Object attachment)
            throws IOException;

    /**
     * Opens a client connection; see {@link #connect(InetSocketAddress)}.
     *
     * @param host the server's host name or address
     * @param port the server's port
     * @return the open connection
     * @throws IOException if the connection cannot be opened
     */
    Connection<M> connect(String host, int port) throws IOException;

    /**
     * {@return a live, unmodifiable view of the connections that are open now (past the handshake, not yet closed),
     * server and client side}
     */
    Collection<Connection<M>> connections();

    /**
     * Sends a message to every open connection. Never blocks: a connection whose queue is full fails its send, whatever
     * the backpressure policy.
     *
     * @param message the message
     * @return a future that completes, once every send has settled, with the number of connections the message was
     *         written to
     */
    CompletableFuture<Integer> broadcast(M message);

    /**
     * Shuts down gracefully and waits: stops accepting, tells every peer with a CLOSE frame that this side is shutting
     * down, writes out every frame already accepted by {@code send}, waits up to {@code grace} for the peers to
     * close, then closes what is left. Every send future has completed when this returns. Calling it again waits
     * for the first shutdown.
     *
     * @param grace how long to wait for queues to drain and peers to close; zero closes everything at once
     * @return {@code true} if every connection closed within the grace period, {@code false} if some were forced
     * @throws InterruptedException if interrupted while waiting; the shutdown still completes in the background
     */
    boolean shutdown(Duration grace) throws InterruptedException;

    /** Shuts down with the {@linkplain Builder#shutdownGrace configured grace}; see {@link #shutdown(Duration)}. */
    @Override
    void close();

    /**
     * Configures a {@link ConnectionManager}. Not thread-safe; {@link #build()} checks every value and reports all
     * that are wrong at once.
     *
     * @param <M> the type of messages
     */
    final class Builder<M> {
        private final MessageCodec<M> codec;
        private ConnectionListener<M> listener = new ConnectionListener<>() {
        };
        private HeartbeatPolicy heartbeat = HeartbeatPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(15));
        private Duration minPeerPingInterval = Duration.ofMillis(10);
        private int maxPingStrikes = 2;
        private int maxFrameSize = 1 << 20;
        private int maxQueuedMessages = 4096;
        private BackpressurePolicy backpressure = BackpressurePolicy.BLOCK;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private boolean tcpNoDelay = true;
        private int maxConnections = Integer.MAX_VALUE;
        private int maxConnectionsPerAddress = Integer.MAX_VALUE;
        private @Nullable ConnectionFilter connectionFilter;
        private @Nullable SSLContext tls;
        private MetricsObserver metrics = MetricsObserver.NONE;
        private Limits limits = Limits.defaults();

        private Builder(MessageCodec<M> codec) {
            this.codec = codec;
        }

        /**
         * Sets the listener of every connection. Default: one that ignores everything.
         *
         * @param listener the listener; see its contract
         * @return this builder
         */
        public Builder<M> listener(ConnectionListener<M> listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Sets the heartbeat policy. Default: {@code HeartbeatPolicy.fixed(5s, 15s)}. Ignored by
         * {@link MessageCodec.Framing#LINES} connections for the PING's nonce only: they ping with a plain line.
         *
         * @param heartbeat the policy
         * @return this builder
         */
        public Builder<M> heartbeat(HeartbeatPolicy heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        /**
         * Sets the shortest interval between PINGs this side accepts from a peer (as gRPC's permitted keep-alive
         * time). It is announced in the handshake, so a Vigil peer never pings faster; a peer that does anyway is
         * closed with {@link CloseReason.Kind#POLICY_VIOLATION} after {@link #maxPingStrikes} offences. Only PINGs
         * count here; all control frames count toward {@link Limits.Builder#controlFrameRate}. Default 10 ms.
         *
         * @param minPeerPingInterval zero (no limit) or more
         * @return this builder
         */
        public Builder<M> minPeerPingInterval(Duration minPeerPingInterval) {
            this.minPeerPingInterval = minPeerPingInterval;
            return this;
        }

        /**
         * Sets how many too-early PINGs a peer may send before it is closed. Default 2.
         *
         * @param maxPingStrikes zero or more
         * @return this builder
         */
        public Builder<M> maxPingStrikes(int maxPingStrikes) {
            this.maxPingStrikes = maxPingStrikes;
            return this;
        }

        /**
         * Sets the largest frame payload accepted, in bytes (the longest line in {@link MessageCodec.Framing#LINES}
         * mode). A frame that declares more closes its connection with {@link CloseReason.Kind#FRAME_TOO_LARGE}
         * before anything of that size is allocated; a send of a larger message fails. Default 1 MiB.
         *
         * @param maxFrameSize 64 bytes to 1 GiB
         * @return this builder
         */
        public Builder<M> maxFrameSize(int maxFrameSize) {
            this.maxFrameSize = maxFrameSize;
            return this;
        }

        /**
         * Sets how many messages one connection may have accepted by {@code send} and not yet written. Default 4096.
         *
         * @param maxQueuedMessages 1 to 16777216
         * @return this builder
         */
        public Builder<M> maxQueuedMessages(int maxQueuedMessages) {
            this.maxQueuedMessages = maxQueuedMessages;
            return this;
        }

        /**
         * Sets what a send does when the queue is full. Default {@link BackpressurePolicy#BLOCK}.
         *
         * @param backpressure the policy
         * @return this builder
         */
        public Builder<M> backpressure(BackpressurePolicy backpressure) {
            this.backpressure = backpressure;
            return this;
        }

        /**
         * Sets how long {@link #connect} waits, for TCP and the handshake together. Default 10 s.
         *
         * @param connectTimeout positive
         * @return this builder
         */
        public Builder<M> connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Sets how long an accepted connection may take to complete the HELLO handshake (in
         * {@link MessageCodec.Framing#LINES} mode: to send its first line) before it is closed with
         * {@link CloseReason.Kind#HANDSHAKE_TIMEOUT}. Default 10 s.
         *
         * @param handshakeTimeout positive
         * @return this builder
         */
        public Builder<M> handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
            return this;
        }

        /**
         * Sets how long a closing connection waits for the peer to answer its CLOSE frame before it closes the socket
         * anyway (a peer that broke a rule gets its owed replies and the CLOSE within it). Default 5 s.
         *
         * @param closeTimeout positive
         * @return this builder
         */
        public Builder<M> closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Sets the grace period of {@link ConnectionManager#close()}. Default 10 s.
         *
         * @param shutdownGrace zero or more
         * @return this builder
         */
        public Builder<M> shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        /**
         * Sets {@code TCP_NODELAY} on every socket. Default {@code true}: Vigil coalesces small frames itself.
         *
         * @param tcpNoDelay whether to disable Nagle's algorithm
         * @return this builder
         */
        public Builder<M> tcpNoDelay(boolean tcpNoDelay) {
            this.tcpNoDelay = tcpNoDelay;
            return this;
        }

        /**
         * Sets how many connections a server accepts at once, counting those still in their handshake; one more is
         * refused before it gets a thread, with {@link CloseReason.Kind#REJECTED}. Client connections made by
         * {@link #connect} do not count. Default: no limit.
         *
         * @param maxConnections at least 1
         * @return this builder
         */
        public Builder<M> maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets how many connections a server accepts at once from one IP address; one more is refused before it gets
         * a thread, with {@link CloseReason.Kind#REJECTED}. Default: no limit.
         *
         * @param maxConnectionsPerAddress at least 1
         * @return this builder
         */
        public Builder<M> maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        /**
         * Sets a check that every accepted connection must pass before it gets a thread. Default: none.
         *
         * @param connectionFilter the check, or {@code null} for none
         * @return this builder
         */
        public Builder<M> connectionFilter(@Nullable ConnectionFilter connectionFilter) {
            this.connectionFilter = connectionFilter;
            return this;
        }

        /**
         * Turns on TLS for every connection of this manager, server and client side, with the given context (its key
         * managers serve the server's certificate, its trust managers check the peer's). Clients verify that the
         * server's certificate matches the host they connect to (endpoint identification {@code HTTPS}). The TLS
         * handshake counts against the {@linkplain #handshakeTimeout handshake timeout}. Default: plain TCP.
         *
         * @param tls the context, or {@code null} for plain TCP
         * @return this builder
         */
        public Builder<M> tls(@Nullable SSLContext tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Sets the observer of counters and RTT samples, for a metrics system. Default {@link MetricsObserver#NONE}.
         *
         * @param metrics the observer
         * @return this builder
         */
        public Builder<M> metrics(MetricsObserver metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * Sets the limits against hostile and broken peers. Default {@link Limits#defaults()}, see {@link Limits}.
         * @param limits the limits
         * @return this builder
         */
        public Builder<M> limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        /**
         * {@return a new manager with these settings; it starts no thread until the first bind or connect}
         *
         * @throws IllegalArgumentException listing every setting that is out of range
         */
        public ConnectionManager<M> build() {
            Validation v = new Validation("ConnectionManager");
            v.notNull("codec", codec);
            v.notNull("listener", listener);
            v.notNull("heartbeat", heartbeat);
            v.notNull("backpressure", backpressure);
            v.notNull("metrics", metrics);
            v.notNegative("minPeerPingInterval", minPeerPingInterval);
            v.check(maxPingStrikes >= 0, "maxPingStrikes", maxPingStrikes, "zero or more");
            v.check(maxFrameSize >= 64 && maxFrameSize <= 1 << 30, "maxFrameSize", maxFrameSize, "64 to 1073741824");
            v.check(maxQueuedMessages >= 1 && maxQueuedMessages <= 1 << 24, "maxQueuedMessages", maxQueuedMessages,
                    "1 to 16777216");
            v.positive("connectTimeout", connectTimeout);
            v.positive("handshakeTimeout", handshakeTimeout);
            v.positive("closeTimeout", closeTimeout);
            v.notNegative("shutdownGrace", shutdownGrace);
            v.check(maxConnections >= 1, "maxConnections", maxConnections, "at least 1");
            v.check(maxConnectionsPerAddress >= 1, "maxConnectionsPerAddress", maxConnectionsPerAddress, "at least 1");
            Managers.crossCheck(v, heartbeat, minPeerPingInterval, limits, maxFrameSize);
            v.throwIfAny();
            return Managers.create(new Settings<>(codec, listener, heartbeat, minPeerPingInterval, maxPingStrikes,
                    maxFrameSize, maxQueuedMessages, backpressure, connectTimeout, handshakeTimeout, closeTimeout,
                    shutdownGrace, tcpNoDelay, maxConnections, maxConnectionsPerAddress, connectionFilter, tls, metrics,
                    Managers.guards(limits)));
        }
    }
}
