package dev.vigil;

import dev.vigil.cluster.Backplane;
import dev.vigil.cluster.Presence;
import dev.vigil.internal.ManagerBuilder;
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
        return new ManagerBuilder<>(codec);
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
     * the backpressure policy. The codec encodes the message once, and those bytes are queued to every connection in
     * order with its other sends (a connection with a session encodes it again for its replay buffer); a connection
     * whose peer accepts smaller frames fails alone.
     *
     * @param message the message
     * @return a future that completes, once every send has settled, with the number of connections the message was
     *         written to (0 with no connection open, and then the codec is not called); it fails, once, with what the
     *         codec threw if the message cannot be encoded
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

    /**
     * Shuts down as a planned stop of one node among several, so that its clients move elsewhere without all
     * arriving there in the same instant: stops accepting at once (the server sockets close, so a balancer's TCP check
     * fails and its connect attempts go to another node), then sends every connection a CLOSE with
     * {@link CloseReason.Kind#SHUTDOWN}, one at a time at instants spread evenly over {@code window} (the first at
     * once, the last at the end of the window; evenly rather than at random, so the other nodes take the reconnects
     * at a steady rate), then waits as {@link #shutdown(Duration)} does, up to the
     * {@linkplain Builder#shutdownGrace configured grace} counted from the last CLOSE, for the peers to close, and
     * closes what is left. The connections are those open when it is called; one that ends meanwhile is skipped.
     *
     * <p>With {@code elsewhere}, each CLOSE's reason ends with a line {@code reconnect=<host>:<port>} naming it (an
     * older peer shows the line as part of the reason; docs/protocol.md), which the peer reads as
     * {@link CloseReason#suggestedEndpoint()} and a {@link ReconnectingClient} tries first if its
     * {@link RedirectPolicy} allows. The host is written as given ({@link InetSocketAddress#getHostString()}): a
     * name stays a name, so TLS checks it on the new connection. The text-line framing has no CLOSE frame: its
     * peers see their connections close, spread the same way, without a reason or a suggestion. Calling it (or
     * {@link #shutdown(Duration)}) again waits for the first stop.
     *
     * @param window    how long to spread the closes over; zero closes every connection at once, as {@code shutdown}
     * @param elsewhere the endpoint to suggest to the peers, or {@code null} for none
     * @return {@code true} if every connection closed within the grace period, {@code false} if some were forced
     * @throws IllegalArgumentException if {@code window} is negative
     * @throws InterruptedException if interrupted while waiting; the connections not yet told are told at once
     */
    boolean drain(Duration window, @Nullable InetSocketAddress elsewhere) throws InterruptedException;

    /** Shuts down with the {@linkplain Builder#shutdownGrace configured grace}; see {@link #shutdown(Duration)}. */
    @Override
    void close();

    /**
     * Configures a {@link ConnectionManager}. Not thread-safe; {@link #build()} checks every value and reports all
     * that are wrong at once.
     *
     * @param <M> the type of messages
     */
    interface Builder<M> {

        /**
         * Sets the listener of every connection. Default: one that ignores everything.
         *
         * @param listener the listener; see its contract
         * @return this builder
         */
        Builder<M> listener(ConnectionListener<M> listener);

        /**
         * Sets the heartbeat policy. Default: {@code HeartbeatPolicy.fixed(5s, 15s)}. Ignored by
         * {@link MessageCodec.Framing#LINES} connections for the PING's nonce only: they ping with a plain line.
         *
         * @param heartbeat the policy
         * @return this builder
         */
        Builder<M> heartbeat(HeartbeatPolicy heartbeat);

        /**
         * Sets the shortest interval between PINGs this side accepts from a peer (as gRPC's permitted keep-alive
         * time). It is announced in the handshake, so a Vigil peer never pings faster; a peer that does anyway is
         * closed with {@link CloseReason.Kind#POLICY_VIOLATION} after {@link #maxPingStrikes} offences. Only
         * unsolicited PINGs count, never PONGs. Default 10 ms.
         *
         * @param minPeerPingInterval zero (no limit) or more
         * @return this builder
         */
        Builder<M> minPeerPingInterval(Duration minPeerPingInterval);

        /**
         * Sets how many too-early PINGs a peer may send before it is closed. Default 2.
         *
         * @param maxPingStrikes zero or more
         * @return this builder
         */
        Builder<M> maxPingStrikes(int maxPingStrikes);

        /**
         * Sets the largest frame payload accepted, in bytes (the longest line in {@link MessageCodec.Framing#LINES}
         * mode). A frame that declares more closes its connection with {@link CloseReason.Kind#FRAME_TOO_LARGE}
         * before anything of that size is allocated; a send of a larger message fails. Default 1 MiB.
         *
         * @param maxFrameSize 64 bytes to 1 GiB
         * @return this builder
         */
        Builder<M> maxFrameSize(int maxFrameSize);

        /**
         * Sets how many messages one connection may have accepted by {@code send} and not yet written. Default
         * 4096.
         *
         * @param maxQueuedMessages 1 to 16777216
         * @return this builder
         */
        Builder<M> maxQueuedMessages(int maxQueuedMessages);

        /**
         * Sets what a send does when the queue is full. Default {@link BackpressurePolicy#BLOCK}.
         *
         * @param backpressure the policy
         * @return this builder
         */
        Builder<M> backpressure(BackpressurePolicy backpressure);

        /**
         * Sets how long {@link #connect} waits, for TCP and the handshake together. Default 10 s.
         *
         * @param connectTimeout positive
         * @return this builder
         */
        Builder<M> connectTimeout(Duration connectTimeout);

        /**
         * Sets how long an accepted connection may take to complete the HELLO handshake (in
         * {@link MessageCodec.Framing#LINES} mode: to send its first line) before it is closed with
         * {@link CloseReason.Kind#HANDSHAKE_TIMEOUT}. Default 10 s.
         *
         * @param handshakeTimeout positive
         * @return this builder
         */
        Builder<M> handshakeTimeout(Duration handshakeTimeout);

        /**
         * Sets how long a closing connection waits for the peer to answer its CLOSE frame before it closes the
         * socket anyway. Default 5 s.
         *
         * @param closeTimeout positive
         * @return this builder
         */
        Builder<M> closeTimeout(Duration closeTimeout);

        /**
         * Sets the grace period of {@link ConnectionManager#close()}. Default 10 s.
         *
         * @param shutdownGrace zero or more
         * @return this builder
         */
        Builder<M> shutdownGrace(Duration shutdownGrace);

        /**
         * Sets {@code TCP_NODELAY} on every socket. Default {@code true}: Vigil coalesces small frames itself.
         *
         * @param tcpNoDelay whether to disable Nagle's algorithm
         * @return this builder
         */
        Builder<M> tcpNoDelay(boolean tcpNoDelay);

        /**
         * Makes every connection's reader spin for up to {@code readSpin} before it blocks in a socket read: it polls
         * for waiting bytes (yielding its carrier every few polls), so an answer that comes within the spin is read
         * without the park and wake-up of a blocked virtual thread. For a few latency-critical connections on a
         * machine with cores to spare: while it spins a reader keeps a carrier thread (a core) busy, so on a small
         * machine, or with many connections, it costs throughput and may cost latency. See
         * {@code docs/tuning.md} for the measured effect. Default {@link Duration#ZERO}: off.
         *
         * @param readSpin zero (off) to 10 ms
         * @return this builder
         */
        Builder<M> readSpin(Duration readSpin);

        /**
         * Sets how many connections a server accepts at once, counting those still in their handshake; one more is
         * refused before it gets a thread, with {@link CloseReason.Kind#REJECTED}. Client connections made by
         * {@link #connect} do not count. Default: no limit.
         *
         * @param maxConnections at least 1
         * @return this builder
         */
        Builder<M> maxConnections(int maxConnections);

        /**
         * Sets how many connections a server accepts at once from one IP address; one more is refused before it gets
         * a thread, with {@link CloseReason.Kind#REJECTED}. Default: no limit.
         *
         * @param maxConnectionsPerAddress at least 1
         * @return this builder
         */
        Builder<M> maxConnectionsPerAddress(int maxConnectionsPerAddress);

        /**
         * Sets a check that every accepted connection must pass before it gets a thread. Default: none.
         *
         * @param connectionFilter the check, or {@code null} for none
         * @return this builder
         */
        Builder<M> connectionFilter(@Nullable ConnectionFilter connectionFilter);

        /**
         * Turns on TLS for every connection of this manager, server and client side, with the given context (its key
         * managers serve the server's certificate, its trust managers check the peer's). Clients verify that the
         * server's certificate matches the host they connect to (endpoint identification {@code HTTPS}). The TLS
         * handshake counts against the {@linkplain #handshakeTimeout handshake timeout}. Default: plain TCP.
         *
         * @param tls the context, or {@code null} for plain TCP
         * @return this builder
         */
        Builder<M> tls(@Nullable SSLContext tls);

        /**
         * Sets the observer of counters and RTT samples, for a metrics system. Default {@link MetricsObserver#NONE}.
         *
         * @param metrics the observer
         * @return this builder
         */
        Builder<M> metrics(MetricsObserver metrics);

        /**
         * Lets a {@link Presence} watch this manager's connections: it hears every close (a connection under a key
         * leaves it; an unclean close makes its last will due) and every {@link ConnectionState#ACTIVE} /
         * {@link ConnectionState#SUSPECT} change, before the {@linkplain #listener listener} does. Putting a
         * connection under a key is still the listener's job ({@link Presence#join}). Several managers may share one
         * presence. Default: none.
         *
         * @param presence one built by {@link Presence#builder}, or {@code null} for none
         * @return this builder
         */
        Builder<M> presence(@Nullable Presence presence);

        /**
         * Makes {@link ConnectionManager#broadcast} reach the connections of every node on the backplane: the message
         * is encoded once with this manager's codec, written to this node's connections directly, and published to
         * the other nodes, which write it to theirs (each node's managers must use a codec that decodes it). The
         * returned future then counts this node's connections only. Delivery to other nodes is the backplane's: at
         * most once, lost while a node is cut off from it. Closing the manager ends its subscription, not the
         * backplane. Default: none (broadcast reaches this manager's connections only).
         *
         * @param backplane the backplane, or {@code null} for none
         * @return this builder
         */
        Builder<M> backplane(@Nullable Backplane backplane);

        /**
         * Sets the limits against hostile and broken peers: data rates, control-frame floods, frames that never
         * complete, writes that make no progress, the memory partial frames may hold. Default
         * {@link Limits#defaults()}; each limit's default is on {@link Limits}.
         *
         * @param limits the limits
         * @return this builder
         */
        Builder<M> limits(Limits limits);

        /**
         * Turns on sessions that survive reconnects ({@code docs/sessions.md}): offered by a server, asked for by a
         * client, used on a connection when both sides have them (binary framing only). Default: off, and then a
         * connection costs exactly what it did. Listener events: {@link SessionListener}.
         *
         * @param sessions the bounds and ACK timing, or {@code null} for no sessions
         * @return this builder
         */
        Builder<M> sessions(@Nullable SessionPolicy sessions);

        /**
         * {@return a new manager with these settings; it starts no thread until the first bind or connect}
         *
         * @throws IllegalArgumentException listing every setting that is out of range
         */
        ConnectionManager<M> build();
    }
}
