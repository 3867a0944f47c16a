package dev.vigil;

import dev.vigil.internal.DefaultReconnectingClient;
import dev.vigil.internal.Ticker;
import org.jetbrains.annotations.Nullable;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * A client that connects by itself, and connects again whenever its connection ends: one logical connection to a
 * service, carried by a series of TCP connections.
 *
 * <pre>{@code
 * ReconnectingClient<String> client = ReconnectingClient.start(
 *         ConnectionManager.builder(MessageCodec.utf8()).heartbeat(HeartbeatPolicy.fixed(ofSeconds(1), ofSeconds(3))),
 *         ReconnectPolicy.defaults(),
 *         new ReconnectListener<>() {
 *             public void onConnected(Connection<String> c, int attempts) { c.send("hello again"); }
 *             public void onMessage(Connection<String> c, String message) { ... }
 *         },
 *         List.of(primary, standby));
 * ...
 * client.close();
 * }</pre>
 *
 * <h2>What survives a reconnect</h2>
 * The client, its listener and its endpoints do; nothing else. Each TCP connection is a fresh {@link Connection}
 * with its own id, counters, RTT and attachment, reported by its own {@code onOpen} and {@code onClose}. Messages
 * are not carried over: a send accepted by a connection that then ends fails with that connection's reason, and
 * is not sent again on the next one; unless the manager has sessions ({@link ConnectionManager.Builder#sessions},
 * {@code docs/sessions.md}), which carry every message across reconnects, exactly once, and keep taking sends
 * between connections. State the server keeps per connection (a login, subscriptions) is re-created
 * in {@link ReconnectListener#onConnected}, which is called for the first connection too.
 *
 * <h2>Connecting</h2>
 * {@link #start} returns at once; the first attempt goes out right away on the client's own virtual thread. The
 * endpoints are tried in turn: each failure moves on to the next one, waiting as the {@link ReconnectPolicy} says;
 * a connection that ends is first replaced by one to the same endpoint. An attempt succeeds when
 * {@link ConnectionManager#connect} returns, that is when the Vigil handshake has completed, not merely TCP. An
 * endpoint given {@linkplain InetSocketAddress#createUnresolved unresolved} is looked up again on every attempt, so a
 * server that moves to another address is found. When a connection ends for any reason but {@link #close()} (the
 * peer shut down, a heartbeat timeout, a reset, an I/O error), the client reconnects. When
 * {@link ReconnectPolicy#maxAttempts()} attempts in a row have failed, it gives up and closes itself.
 *
 * <h2>After a server's drain</h2>
 * A connection that ends with the peer's {@link CloseReason.Kind#SHUTDOWN} (its manager shut down or
 * {@linkplain ConnectionManager#drain drained}) is not replaced by one to the same endpoint, which is going away:
 * the next attempt goes to the endpoint the server suggested ({@link CloseReason#suggestedEndpoint()}) if the
 * {@link RedirectPolicy} allows it (by default only one of the client's own endpoints), else to the next endpoint
 * of the list. A suggestion outside the list is tried until an attempt to it fails, then the list takes over. The
 * wait before that attempt is the usual first one ({@code delayBefore(1)}, at most {@code initialDelay}): short,
 * and random, so that the clients of a server that shut down all at once do not all arrive in the same instant.
 *
 * <p>A server that completes the handshake and then closes at once every time makes the client reconnect about
 * every {@code initialDelay / 2}, because each successful connection starts the count of attempts again.
 *
 * <p>Thread-safe: every method may be called from any thread, listener callbacks included.
 *
 * @param <M> the type of messages
 */
public interface ReconnectingClient<M> extends AutoCloseable {

    /**
     * Starts a client and returns at once; see {@linkplain ReconnectingClient above} how it connects.
     *
     * <p>The client installs its own {@link ConnectionListener} on {@code builder} (replacing any listener set there,
     * which would never be called) and builds one {@link ConnectionManager} that serves all its attempts; do not use
     * the builder again. The manager's {@linkplain ConnectionManager.Builder#connectTimeout connect timeout} bounds
     * each attempt.
     *
     * @param builder   the settings of every connection: codec, heartbeat, timeouts, backpressure
     * @param policy    how long to wait between attempts, and when to give up
     * @param listener  hears every connection's events and every attempt
     * @param endpoints the servers, tried in this order; at least one
     * @param <M>       the type of messages
     * @return the client, connecting
     * @throws IllegalArgumentException if an argument is missing or the endpoints are empty, or if the builder's
     *                                  settings are out of range
     */
    static <M> ReconnectingClient<M> start(ConnectionManager.Builder<M> builder, ReconnectPolicy policy,
                                           ReconnectListener<M> listener, List<InetSocketAddress> endpoints) {
        return start(builder, policy, listener, endpoints, RedirectPolicy.knownEndpoints());
    }

    /**
     * Starts a client that follows a draining server's suggested endpoint as {@code redirects} allows; otherwise as
     * {@link #start(ConnectionManager.Builder, ReconnectPolicy, ReconnectListener, List)}, which uses
     * {@link RedirectPolicy#knownEndpoints()}.
     *
     * @param builder   the settings of every connection
     * @param policy    how long to wait between attempts, and when to give up
     * @param listener  hears every connection's events and every attempt
     * @param endpoints the servers, tried in this order; at least one
     * @param redirects which suggested endpoints to follow; read the security note on {@link RedirectPolicy}
     * @param <M>       the type of messages
     * @return the client, connecting
     * @throws IllegalArgumentException if an argument is missing or out of range
     */
    static <M> ReconnectingClient<M> start(ConnectionManager.Builder<M> builder, ReconnectPolicy policy,
                                           ReconnectListener<M> listener, List<InetSocketAddress> endpoints,
                                           RedirectPolicy redirects) {
        return DefaultReconnectingClient.start(builder, policy, listener, endpoints, redirects,
                new SplittableRandom(), Ticker.SYSTEM);
    }

    /**
     * Sends a message on the current connection, as {@link Connection#send} does. Without sessions it fails fast
     * while there is no connection: it never waits for one and never queues the message for the next. With sessions
     * it is held for the next connection instead (see {@link #sendConfirmed}).
     *
     * @param message the message
     * @return the future of {@link Connection#send}; or, while the client is between connections, closing or
     *         closed, a future already failed with a {@link ConnectionClosedException} whose reason tells why: the
     *         reason the last connection ended, the failure of the last attempt, or
     *         {@link CloseReason.Kind#CLOSED_LOCALLY} once {@link #close()} was called
     */
    CompletableFuture<Void> send(M message);

    /**
     * Sends like {@link #send} and says when the server has delivered the message ({@link Connection#sendConfirmed}).
     * With a session ({@link ConnectionManager.Builder#sessions} on both sides) a send between connections is not
     * failed: it is held in the session's replay buffer and written on the next connection, after the replay; it
     * fails at once only when that buffer overflows, and the next resume then fails with
     * {@link ResumeFailure#REPLAY_OVERFLOW}, handing back what the server did not deliver.
     *
     * @param message the message
     * @return the send's two futures
     * @implSpec The default sends with {@link #send} and fails the delivery future: there is no session.
     */
    default Delivery sendConfirmed(M message) {
        return new Delivery(send(message), CompletableFuture.failedFuture(
                new java.io.IOException("no session: delivery cannot be confirmed")));
    }

    /**
     * {@return the connection open now, or {@code null} between connections} It may end the moment after; a send on
     * it then fails with its close reason.
     */
    @Nullable Connection<M> current();

    /**
     * {@return where the logical connection is} {@link ConnectionState#CONNECTING} while there is no open connection
     * (before the first one, or between connections); {@link ConnectionState#ACTIVE} or
     * {@link ConnectionState#SUSPECT} as the current connection is; {@link ConnectionState#CLOSING} while
     * {@link #close()} runs; {@link ConnectionState#CLOSED} once the client is closed or has given up. Final.
     */
    ConnectionState state();

    /**
     * Stops reconnecting and closes: cuts short any wait or attempt under way, closes the current connection
     * gracefully ({@link CloseReason.Kind#CLOSED_LOCALLY}; its {@code onClose} is the last call the listener gets),
     * then shuts down the manager, waiting up to its {@linkplain ConnectionManager.Builder#shutdownGrace grace}.
     * Called from one of this client's listener callbacks, it returns at once and the rest happens in the
     * background, since waiting there would wait for the callback itself. Calling it again waits for the first
     * close.
     */
    @Override
    void close();
}
