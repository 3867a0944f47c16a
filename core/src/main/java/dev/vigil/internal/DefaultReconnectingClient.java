package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionState;
import dev.vigil.Delivery;
import dev.vigil.ReconnectListener;
import dev.vigil.ReconnectPolicy;
import dev.vigil.ReconnectingClient;
import dev.vigil.RedirectPolicy;
import dev.vigil.internal.conn.SessionSends;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The client behind {@link ReconnectingClient#start}: one virtual thread runs rounds of attempts, adopts each
 * connection that opens, waits for it to end, and starts the next round, until {@link #close()} or the policy's
 * last attempt. Every state change goes through one lock and one condition, so {@code close()} wakes a waiting
 * loop at once. The backoff is measured on an injected {@link Ticker}, so a test drives it on a fake clock.
 *
 * @param <M> the type of messages
 */
public final class DefaultReconnectingClient<M> implements ReconnectingClient<M> {
    private static final Logger log = LoggerFactory.getLogger(DefaultReconnectingClient.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final String name = "vigil-reconnect-" + IDS.incrementAndGet();
    private final ReconnectPolicy policy;
    private final ReconnectListener<M> listener;
    private final Endpoints endpoints;
    /** Used by the loop thread only. */
    private final RandomGenerator random;
    private final Ticker ticker;
    private final ConnectionManager<M> manager;
    /** The one session of this client's life, with sends held while it has no connection; null without sessions. */
    private final SessionSends.@Nullable Shared<M> sessions;
    private final Thread loop;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when {@link #closing} is set and when a connection's onClose has returned. */
    private final Condition changed = lock.newCondition();
    // Guarded by lock:
    private boolean closing;
    private boolean terminated;
    /** The loop is inside manager.connect, where only an interrupt cuts it short. */
    private boolean connecting;
    private @Nullable Connection<M> current;
    /** Connections whose onClose has returned; the loop clears it each time it has dealt with one. */
    private final Set<Connection<M>> ended = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Why there is no connection now: what a send fails with. */
    private CloseReason down;

    private DefaultReconnectingClient(ConnectionManager.Builder<M> builder, ReconnectPolicy policy,
                                      ReconnectListener<M> listener, List<InetSocketAddress> endpoints,
                                      RedirectPolicy redirects, RandomGenerator random, Ticker ticker) {
        this.policy = policy;
        this.listener = listener;
        this.endpoints = new Endpoints(endpoints, redirects);
        this.random = random;
        this.ticker = ticker;
        this.down = CloseReason.local(CloseReason.Kind.IO_ERROR,
                "not connected yet: the first attempt, to " + endpoints.getFirst() + ", is under way");
        this.manager = builder.listener(new ForwardingListener<>(this, listener, new Ends())).build();
        this.sessions = BetweenConnections.share(manager, ticker);
        this.loop = Thread.ofVirtual().name(name)
                .uncaughtExceptionHandler((thread, error) -> log.error("uncaught exception in {}", name, error))
                .unstarted(this::run);
    }

    /**
     * Starts a client whose backoff is measured on {@code ticker}; see {@link ReconnectingClient#start}.
     *
     * @param builder   the settings of every connection; its listener is replaced
     * @param policy    the backoff
     * @param listener  the user's listener
     * @param endpoints the servers, at least one
     * @param redirects which endpoints a draining server suggests are followed
     * @param random    where the backoff's jitter comes from; used on the client's own thread only
     * @param ticker    the clock the backoff is measured on, and waited on
     * @param <M>       the type of messages
     * @return the client, connecting
     * @throws IllegalArgumentException naming every argument that is missing or wrong
     */
    public static <M> DefaultReconnectingClient<M> start(ConnectionManager.Builder<M> builder,
                                                         ReconnectPolicy policy, ReconnectListener<M> listener,
                                                         List<InetSocketAddress> endpoints, RedirectPolicy redirects,
                                                         RandomGenerator random, Ticker ticker) {
        Validation v = new Validation("ReconnectingClient");
        v.notNull("builder", builder);
        v.notNull("policy", policy);
        v.notNull("listener", listener);
        v.notNull("redirects", redirects);
        v.notNull("random", random);
        v.notNull("ticker", ticker);
        Endpoints.check(v, endpoints);
        v.throwIfAny();
        DefaultReconnectingClient<M> client =
                new DefaultReconnectingClient<>(builder, policy, listener, endpoints, redirects, random, ticker);
        client.loop.start();
        return client;
    }

    // ---- the API ----

    @Override
    public CompletableFuture<Void> send(M message) {
        Objects.requireNonNull(message, "message");
        Connection<M> connection;
        CloseReason why;
        SessionSends.Shared<M> held;
        lock.lock();
        try {
            connection = closing ? null : current;
            why = down;
            held = closing ? null : sessions;
        } finally {
            lock.unlock();
        }
        if (connection != null) {
            return connection.send(message);
        }
        return BetweenConnections.send(held, why, message);
    }

    @Override
    public Delivery sendConfirmed(M message) {
        Connection<M> connection = current();
        return connection != null ? connection.sendConfirmed(Objects.requireNonNull(message, "message"))
                : BetweenConnections.confirmed(isClosing() ? null : sessions, this::send, message);
    }

    @Override
    public @Nullable Connection<M> current() {
        lock.lock();
        try {
            return current;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ConnectionState state() {
        Connection<M> connection;
        lock.lock();
        try {
            if (terminated) {
                return ConnectionState.CLOSED;
            }
            if (closing) {
                return ConnectionState.CLOSING;
            }
            connection = current;
        } finally {
            lock.unlock();
        }
        ConnectionState state = connection == null ? ConnectionState.CONNECTING : connection.state();
        return state.isOpen() ? state : ConnectionState.CONNECTING;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closing) {
                closing = true;
                down = CloseReason.local(CloseReason.Kind.CLOSED_LOCALLY, "the reconnecting client is closed");
                if (connecting) {
                    loop.interrupt();
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == loop || ForwardingListener.inCallbackOf(this)) {
            return;
        }
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the loop ----

    /** What {@link #reconnectUntilClosed} ends with when the policy ran out of attempts. */
    private record GaveUp(int attempts, Throwable lastError) {
    }

    private void run() {
        @Nullable GaveUp gaveUp = null;
        try {
            gaveUp = reconnectUntilClosed();
        } catch (RuntimeException e) {
            log.error("{}: the reconnect loop failed; closing the client", name, e);
        } finally {
            finish();
        }
        if (gaveUp != null) {
            GaveUp last = gaveUp;
            ForwardingListener.notify(name, "onGaveUp", () -> listener.onGaveUp(last.attempts(), last.lastError()));
        }
    }

    /** Runs rounds of attempts; returns {@code null} once closing, or how it gave up. */
    private @Nullable GaveUp reconnectUntilClosed() {
        Duration delay = Duration.ZERO;
        long delayFrom = ticker.nanoTime();
        while (true) {
            Connection<M> connection = null;
            int attempt = 0;
            while (connection == null) {
                attempt++;
                if (!pause(delayFrom + delay.toNanos())) {
                    return null;
                }
                InetSocketAddress endpoint = endpoints.current();
                int number = attempt;
                log.info("{}: attempt {} to {}", name, number, endpoint);
                ForwardingListener.notify(name, "onAttempt", () -> listener.onAttempt(number, endpoint));
                try {
                    connection = connectTo(endpoint);
                    if (connection == null) {
                        return null;
                    }
                } catch (IOException | RuntimeException e) {
                    if (isClosing()) {
                        return null;
                    }
                    endpoints.failed();
                    if (policy.maxAttempts() != ReconnectPolicy.UNLIMITED && attempt >= policy.maxAttempts()) {
                        setDown(BetweenConnections.notConnected("gave up after " + attempt + " attempts; the last, to " + endpoint
                                + ", failed", e));
                        log.warn("{}: attempt {} to {} failed ({}); giving up after {} attempts", name, attempt,
                                endpoint, e.toString(), attempt);
                        return new GaveUp(attempt, e);
                    }
                    setDown(BetweenConnections.notConnected("attempt " + attempt + " to " + endpoint + " failed", e));
                    delay = policy.delayBefore(attempt + 1, random);
                    delayFrom = ticker.nanoTime(); // from the failure: time spent in the listener is part of it
                    Duration nextDelay = delay;
                    log.info("{}: attempt {} to {} failed ({}); next attempt, to {}, in {}", name, attempt, endpoint,
                            e.toString(), endpoints.current(), Durations.format(nextDelay.toNanos()));
                    ForwardingListener.notify(name, "onAttemptFailed", () -> listener.onAttemptFailed(number, endpoint, e, nextDelay));
                }
            }
            if (!adopt(connection)) {
                return null;
            }
            log.info("{}: connected to {} as conn-{} after {} attempt{}", name, connection.remoteAddress(),
                    connection.id(), attempt, attempt == 1 ? "" : "s");
            Connection<M> opened = connection;
            int attempts = attempt;
            ForwardingListener.notify(name, "onConnected", () -> listener.onConnected(opened, attempts));
            if (!awaitEnd(connection)) {
                return null;
            }
            endpoints.ended(connection.closeReason()); // after a drain: the suggested endpoint, or another one
            delay = policy.delayBefore(1, random);
            delayFrom = ticker.nanoTime();
            log.info("{}: conn-{} to {} ended ({}); reconnecting in {}", name, connection.id(),
                    connection.remoteAddress(), connection.closeReason(), Durations.format(delay.toNanos()));
        }
    }

    /** Waits until {@code deadline} on the ticker, handing back held messages that outgrow the replay age. */
    private boolean pause(long deadline) {
        while (true) {
            long wait = BetweenConnections.ageOut(sessions, ticker.nanoTime(), name); // outside the lock
            lock.lock();
            try {
                long left = deadline - ticker.nanoTime();
                if (closing || left <= 0) {
                    return !closing;
                }
                ticker.awaitNanos(changed, Math.min(left, wait));
            } catch (InterruptedException e) {
                log.warn("{}: interrupted while waiting to reconnect; closing the client", name);
                return false;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Connects, or returns {@code null} if the client is closing; close() may interrupt it meanwhile. */
    private @Nullable Connection<M> connectTo(InetSocketAddress endpoint) throws IOException {
        lock.lock();
        try {
            if (closing) {
                return null;
            }
            connecting = true;
        } finally {
            lock.unlock();
        }
        try {
            InetSocketAddress address = endpoint.isUnresolved()
                    ? new InetSocketAddress(endpoint.getHostString(), endpoint.getPort()) : endpoint;
            return manager.connect(address);
        } finally {
            lock.lock();
            try {
                connecting = false;
                // close() interrupts only while connecting, under this lock: no interrupt outlives the attempt.
                Thread.interrupted();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Makes the connection current unless it has ended already; returns {@code false} if the client is closing. */
    private boolean adopt(Connection<M> connection) {
        lock.lock();
        try {
            if (!ended.contains(connection)) {
                current = connection;
            }
            return !closing;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the connection's onClose has returned; returns {@code false} if the client is closing. */
    private boolean awaitEnd(Connection<M> connection) {
        lock.lock();
        try {
            while (!closing && !ended.contains(connection)) {
                changed.await();
            }
            ended.clear();
            return !closing;
        } catch (InterruptedException e) {
            log.warn("{}: interrupted while connected; closing the client", name);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the current connection, then the manager; marks the client closed. */
    private void finish() {
        Connection<M> last;
        lock.lock();
        try {
            closing = true;
            last = current;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (last != null) {
                last.close();
            }
            manager.close();
        } finally {
            lock.lock();
            try {
                terminated = true;
                current = null;
            } finally {
                lock.unlock();
            }
            log.debug("{}: closed", name);
        }
    }

    private boolean isClosing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    private void setDown(CloseReason reason) {
        lock.lock();
        try {
            if (!closing) {
                down = reason;
            }
        } finally {
            lock.unlock();
        }
    }


    @Override
    public String toString() {
        return "ReconnectingClient[" + name + ", " + state() + ", " + endpoints + "]";
    }

    // ---- the connections' ends ----

    /** Keeps {@link #current} and {@link #down} true as connections end, and wakes the loop once onClose returned. */
    private final class Ends implements ForwardingListener.Ends<M> {
        @Override
        public void ending(Connection<M> connection, CloseReason reason) {
            lock.lock();
            try {
                if (current == connection) {
                    current = null;
                }
                if (!closing) {
                    down = new CloseReason(reason.kind(), reason.remote(), "not connected: reconnecting since conn-"
                            + connection.id() + " to " + connection.remoteAddress() + " ended: " + reason.message(),
                            reason.cause());
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void ended(Connection<M> connection) {
            lock.lock();
            try {
                ended.add(connection);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
