package dev.vigil.internal;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MetricsObserver;
import dev.vigil.SessionPolicy;
import dev.vigil.internal.conn.Broadcast;
import dev.vigil.internal.conn.ConnectionCore;
import dev.vigil.internal.conn.SessionLink;
import dev.vigil.internal.conn.SessionSends;
import dev.vigil.internal.heartbeat.HeartbeatTimer;
import dev.vigil.internal.heartbeat.LivenessJudge;
import dev.vigil.internal.heartbeat.LocalPauses;
import dev.vigil.internal.heartbeat.StallLedger;
import dev.vigil.internal.io.SocketConnection;
import dev.vigil.internal.session.ClientSession;
import dev.vigil.internal.session.ReplayBuffer;
import dev.vigil.internal.session.SessionTable;
import dev.vigil.internal.session.Settlement;
import dev.vigil.internal.wire.Framing;
import dev.vigil.internal.wire.Hello;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The manager behind {@link ConnectionManager#builder}: binds and connects (through {@link AcceptLoop} and
 * {@link Connector}), keeps the {@link Registry}, owns the shared heartbeat timer, broadcasts and shuts down. Made
 * only by {@link Managers#create}.
 *
 * @param <M> the type of messages
 */
final class DefaultConnectionManager<M> implements ConnectionManager<M>, SocketConnection.Host<M> {
    private static final Logger log = LoggerFactory.getLogger(DefaultConnectionManager.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    private static final AtomicLong MANAGER_IDS = new AtomicLong();
    private static final int BACKLOG = 4096;

    private final Settings<M> settings;
    private final Ticker ticker;
    private final HeartbeatTimer timer;
    private final byte[] hello;
    private final MetricsObserver metrics;
    private final long managerId = MANAGER_IDS.incrementAndGet();
    private final Registry<M> registry = new Registry<>();
    private final AcceptLoop<M> acceptLoop;
    private final Connector<M> connector;
    private final List<ServerSocket> servers = new CopyOnWriteArrayList<>();
    private final List<InetSocketAddress> bound = new CopyOnWriteArrayList<>();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final CompletableFuture<Boolean> shutdownDone = new CompletableFuture<>();
    private final AtomicBoolean intervalWarned = new AtomicBoolean();
    /** Makes each connection's heartbeat judge; what they can share (a fixed policy's detector) is made once. */
    private final LivenessJudge.Maker judges;
    /** The timer's ledger of this JVM's stalls, as every connection core reads it. */
    private final StallLedger stalls;
    /** The server's sessions, and their expiry timer; null without a session policy. */
    private final @Nullable SessionTable<M, Connection<M>> sessionTable;
    private final @Nullable SessionReaper<M> reaper;
    /** A reconnecting client's sessions, shared by all its connections; null for plain connects. */
    private volatile SessionSends.@Nullable Shared<M> sharedSessions;

    DefaultConnectionManager(Settings<M> settings, Ticker ticker) {
        this.settings = settings;
        this.ticker = ticker;
        this.timer = new HeartbeatTimer(ticker, "vigil-" + managerId + "-heartbeat", HeartbeatTimer.COALESCE,
                settings.guards().log());
        this.metrics = GuardedMetrics.of(settings.metrics());
        this.stalls = new StallLedger(timer.localPauses());
        HeartbeatPolicy policy = settings.heartbeat();
        this.judges = new LivenessJudge.Maker(policy, () -> ThreadLocalRandom.current().nextDouble(),
                this::warnIntervalRaised);
        long interval = policy.interval().toMillis();
        long timeout = switch (policy) {
            case HeartbeatPolicy.Fixed fixed -> fixed.timeout().toMillis();
            case HeartbeatPolicy.PhiAccrual phi -> phi.maxTimeout().toMillis();
            case HeartbeatPolicy.None none -> 0;
        };
        long minPing = settings.minPeerPingInterval().toMillis();
        boolean hasHello = Framing.of(settings.codec().framing(), settings.maxFrameSize()).hasHello();
        this.hello = Hello.encode(interval, timeout, minPing, settings.maxFrameSize(), 0);
        byte[] refusingHello = hasHello
                ? Hello.encode(interval, timeout, minPing, settings.maxFrameSize(), Hello.FLAG_REFUSING) : new byte[0];
        this.acceptLoop = new AcceptLoop<>(settings, registry, metrics, ticker, refusingHello,
                socket -> start(socket, false, settings.listener(), null));
        this.connector = new Connector<>(settings, ticker, (socket, listener, attachment) -> start(socket, true, listener, attachment));
        SessionPolicy sessions = hasHello ? settings.sessions() : null;
        this.sessionTable = sessions == null ? null : new SessionTable<>(sessions, new SecureRandom());
        this.reaper = sessionTable == null ? null : new SessionReaper<>(sessionTable, ticker, settings.listener());
    }

    Settings<M> settings() {
        return settings;
    }

    byte[] hello() {
        return hello;
    }

    /** Makes every client connection of this manager carry the reconnecting client's one session. */
    void shareSessions(SessionSends.Shared<M> shared) {
        this.sharedSessions = shared;
    }

    // ---- servers ----

    @Override
    public InetSocketAddress bind(int port) throws IOException {
        return bind(new InetSocketAddress(port));
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address) throws IOException {
        checkRunning();
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(address, BACKLOG);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        InetSocketAddress actual = new InetSocketAddress(
                address.getAddress() == null ? InetAddress.getLoopbackAddress() : server.getInetAddress(),
                server.getLocalPort());
        if (!address.isUnresolved() && address.getAddress() != null) {
            actual = new InetSocketAddress(address.getAddress(), server.getLocalPort());
        }
        servers.add(server);
        bound.add(actual);
        timer.start();
        Thread.ofVirtual().name("vigil-" + managerId + "-accept-" + server.getLocalPort())
                .uncaughtExceptionHandler(DefaultConnectionManager::uncaught)
                .start(() -> acceptLoop.run(server, shuttingDown::get));
        if (shuttingDown.get()) {
            closeQuietly(server);
            throw new IllegalStateException("the manager is shut down");
        }
        log.debug("listening on {}", actual);
        return actual;
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    // ---- clients ----

    @Override
    public Connection<M> connect(String host, int port) throws IOException {
        return connect(new InetSocketAddress(host, port));
    }

    @Override
    public Connection<M> connect(InetSocketAddress address) throws IOException {
        return connect(address, settings.listener(), null);
    }

    @Override
    public Connection<M> connect(InetSocketAddress address, @Nullable Object attachment) throws IOException {
        return connect(address, settings.listener(), attachment);
    }

    @Override
    public Connection<M> connect(InetSocketAddress address, ConnectionListener<M> listener,
                                 @Nullable Object attachment) throws IOException {
        Objects.requireNonNull(listener, "listener (to connect without an attachment, call connect(address))");
        checkRunning();
        timer.start();
        return connector.connect(address, listener, attachment);
    }

    private SocketConnection<M> start(Socket raw, boolean client, ConnectionListener<M> listener,
                                      @Nullable Object attachment) throws IOException {
        raw.setTcpNoDelay(settings.tcpNoDelay());
        raw.setKeepAlive(true);
        Socket socket = raw;
        SSLContext tls = settings.tls();
        if (tls != null) {
            // Wrapping does no I/O: the TLS handshake runs on the connection's own thread, under its handshake timeout.
            InetSocketAddress remote = (InetSocketAddress) raw.getRemoteSocketAddress();
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, remote.getHostString(),
                    remote.getPort(), true);
            ssl.setUseClientMode(client);
            if (client) {
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
            }
            socket = ssl;
        }
        long id = CONNECTION_IDS.incrementAndGet();
        LivenessJudge judge = judges.judge();
        SocketConnection<M> connection = new SocketConnection<>(settings, listener, judge, metrics,
                ticker::nanoTime, id, client, hello, this, socket, raw);
        connection.attach(attachment);
        SessionPolicy policy = sessionTable == null ? null : settings.sessions();
        if (policy != null) {
            SessionSends.Shared<M> shared = sharedSessions;
            SessionLink<M> link = !client ? SessionLink.server(sessionTable, Objects.requireNonNull(reaper)::wake)
                    : shared != null ? SessionLink.client(shared) : SessionLink.client(new ClientSession<>(policy));
            link.attach(connection, listener, ticker::nanoTime);
        }
        registry.add(connection);
        connection.startReader();
        if (shuttingDown.get()) {
            connection.shutdown("shutting down");
        }
        return connection;
    }

    @Override
    public SocketConnection.Slot timerSlot(ConnectionCore<M> connection) {
        return new TimerSlot(connection);
    }

    /** A connection's entry on the timer, its own task and its own handle: one small object per connection. */
    private final class TimerSlot extends HeartbeatTimer.Entry implements SocketConnection.Slot {
        private final ConnectionCore<M> connection;

        TimerSlot(ConnectionCore<M> connection) {
            this.connection = connection;
        }

        @Override
        public long onTimer(long now, LocalPauses pauses) {
            return connection.onTimer(now, stalls);
        }

        @Override
        public void schedule(long deadline) {
            timer.schedule(this, deadline);
        }

        @Override
        public String toString() {
            return connection.logName();
        }
    }

    @Override
    public void opened(SocketConnection<M> connection) {
        registry.opened(connection);
    }

    @Override
    public void closed(SocketConnection<M> connection) {
        registry.closed(connection);
    }

    private void warnIntervalRaised(long ownNanos, long minNanos) {
        if (intervalWarned.compareAndSet(false, true)) {
            log.warn("heartbeat interval {} is shorter than the {} that a peer accepts; pinging it every {} "
                            + "(logged once per manager)", Durations.format(ownNanos), Durations.format(minNanos),
                    Durations.format(minNanos));
        }
    }

    private static void uncaught(Thread thread, Throwable error) {
        log.error("uncaught exception in {}", thread.getName(), error);
    }

    // ---- everyone ----

    @Override
    public Collection<Connection<M>> connections() {
        return registry.openView();
    }

    @Override
    public CompletableFuture<Integer> broadcast(M message) {
        Objects.requireNonNull(message, "message");
        Collection<SocketConnection<M>> open = registry.openConnections();
        if (open.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        Broadcast once; // the codec runs once here, not once per connection; a codec failure fails it all, once
        try {
            once = Broadcast.encode(settings.codec(), message);
        } catch (Exception | LinkageError e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<Void>> sends = new ArrayList<>(open.size());
        BackpressurePolicy policy = settings.backpressure();
        for (SocketConnection<M> connection : open) {
            sends.add(once.sendTo(connection, message, policy));
        }
        // Counted once all have settled, from the futures themselves: dependents of one future run in no set order.
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .handle((ignored, error) -> (int) sends.stream().filter(f -> !f.isCompletedExceptionally()).count());
    }

    @Override
    public boolean shutdown(Duration grace) throws InterruptedException {
        Objects.requireNonNull(grace, "grace");
        return stop(grace, all -> {
            for (SocketConnection<M> connection : all) {
                connection.shutdown("the " + (connection.isClient() ? "client" : "server") + " is shutting down");
            }
        });
    }

    @Override
    public boolean drain(Duration window, @Nullable InetSocketAddress elsewhere) throws InterruptedException {
        Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window: " + window + " (expected: zero or more)");
        }
        log.info("draining {} connection(s) over {}{}", registry.liveCount(), Durations.format(window.toNanos()),
                elsewhere == null ? "" : ", suggesting " + elsewhere);
        return stop(settings.shutdownGrace(), all -> Drain.closeSpread(all, window.toNanos(), elsewhere, ticker));
    }

    /** How a stop begins the closes of every live connection. */
    private interface Closes<M> {
        void begin(List<SocketConnection<M>> all) throws InterruptedException;
    }

    private boolean stop(Duration grace, Closes<M> closes) throws InterruptedException {
        if (!shuttingDown.compareAndSet(false, true)) {
            try {
                return shutdownDone.get();
            } catch (ExecutionException e) {
                return false;
            }
        }
        boolean clean;
        try {
            clean = doShutdown(grace, closes);
        } catch (InterruptedException | RuntimeException | Error e) {
            shutdownDone.complete(false);
            throw e;
        }
        shutdownDone.complete(clean);
        return clean;
    }

    private boolean doShutdown(Duration grace, Closes<M> closes) throws InterruptedException {
        for (ServerSocket server : servers) {
            closeQuietly(server);
        }
        List<SocketConnection<M>> all = registry.live();
        closes.begin(all);
        long deadline = ticker.nanoTime() + grace.toNanos(); // from the last CLOSE begun: a drain's window comes first
        boolean clean = awaitTerminated(all, deadline);
        if (!clean) {
            log.warn("{} connections did not close within the grace period of {}; closing them",
                    registry.liveCount(), grace);
            for (SocketConnection<M> connection : registry.live()) {
                connection.forceClose();
            }
        }
        // Every send future settles when its reader finishes; wait for that (bounded: a callback may be stuck).
        awaitTerminated(registry.live(), ticker.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        if (sessionTable != null) {
            Objects.requireNonNull(reaper).stop();
            ConnectionClosedException down = new ConnectionClosedException(CloseReason.local(CloseReason.Kind.SHUTDOWN,
                    "the server shut down before the client confirmed delivery"));
            List<ReplayBuffer.Entry<M>> ended = sessionTable.endAll();
            Settlement.fail(ended, down);
            ended.forEach(e -> e.written().completeExceptionally(down));
        }
        timer.stop();
        return clean;
    }

    private boolean awaitTerminated(List<SocketConnection<M>> connections, long deadline)
            throws InterruptedException {
        for (SocketConnection<M> connection : connections) {
            long wait = deadline - ticker.nanoTime();
            try {
                connection.terminated().get(Math.max(0, wait), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // terminated never fails
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            shutdown(settings.shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkRunning() {
        if (shuttingDown.get()) {
            throw new IllegalStateException("the manager is shut down");
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("close failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "ConnectionManager[" + managerId + ", " + settings.codec() + ", " + registry.openView().size()
                + " open]";
    }
}
