package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionFilter;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.jfr.VigilEvents;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The manager behind {@link ConnectionManager#builder}: accept loops, client connects, the registry of connections,
 * the shared heartbeat timer, broadcast and shutdown.
 *
 * @param <M> the type of messages
 */
public final class DefaultConnectionManager<M> implements ConnectionManager<M> {
    private static final Logger log = LoggerFactory.getLogger(DefaultConnectionManager.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    private static final AtomicLong MANAGER_IDS = new AtomicLong();
    private static final int BACKLOG = 4096;

    private final Settings<M> settings;
    private final Ticker ticker;
    private final HeartbeatTimer timer;
    private final byte[] hello;
    private final byte[] refusingHello;
    private final MetricsObserver metrics;
    private final long managerId = MANAGER_IDS.incrementAndGet();
    private final ConcurrentHashMap<Long, VigilConnection<M>> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, VigilConnection<M>> open = new ConcurrentHashMap<>();
    private final Collection<Connection<M>> openView = Collections.unmodifiableCollection(open.values());
    private final List<ServerSocket> servers = new CopyOnWriteArrayList<>();
    private final List<InetSocketAddress> bound = new CopyOnWriteArrayList<>();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final CompletableFuture<Boolean> shutdownDone = new CompletableFuture<>();
    private final AtomicBoolean intervalWarned = new AtomicBoolean();
    private final AtomicInteger clientConnections = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(Long.MIN_VALUE / 2);

    /**
     * Makes a manager; use {@link ConnectionManager#builder} instead.
     *
     * @param settings validated settings
     */
    public DefaultConnectionManager(Settings<M> settings) {
        this(settings, Ticker.SYSTEM);
    }

    DefaultConnectionManager(Settings<M> settings, Ticker ticker) {
        this.settings = settings;
        this.ticker = ticker;
        this.timer = new HeartbeatTimer(ticker, "vigil-" + managerId + "-heartbeat");
        this.metrics = GuardedMetrics.of(settings.metrics());
        HeartbeatPolicy policy = settings.heartbeat();
        long interval = policy.interval().toMillis();
        long timeout = switch (policy) {
            case HeartbeatPolicy.Fixed fixed -> fixed.timeout().toMillis();
            case HeartbeatPolicy.PhiAccrual phi -> phi.maxTimeout().toMillis();
            case HeartbeatPolicy.None none -> 0;
        };
        this.hello = Wire.hello(interval, timeout, settings.minPeerPingInterval().toMillis(),
                settings.maxFrameSize(), 0);
        this.refusingHello = Wire.hello(interval, timeout, settings.minPeerPingInterval().toMillis(),
                settings.maxFrameSize(), Wire.FLAG_REFUSING);
    }

    MetricsObserver metrics() {
        return metrics;
    }

    byte[] hello() {
        return hello;
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
                .start(() -> acceptLoop(server));
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

    private void acceptLoop(ServerSocket server) {
        long backoffMillis = 0;
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
                backoffMillis = 0;
            } catch (IOException e) {
                if (server.isClosed() || shuttingDown.get()) {
                    return;
                }
                // Out of file descriptors, say: pause instead of spinning, then try again.
                backoffMillis = Math.min(1000, Math.max(10, backoffMillis * 2));
                log.warn("accept on {} failed ({}); pausing {} ms", server.getLocalSocketAddress(), e.toString(),
                        backoffMillis);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (shuttingDown.get()) {
                closeQuietly(socket);
                continue;
            }
            String refused = admit(socket);
            if (refused != null) {
                refuse(socket, refused);
                continue;
            }
            try {
                start(socket, false, null, settings.listener());
            } catch (IOException | RuntimeException e) {
                log.warn("could not set up a connection from {}: {}", socket.getRemoteSocketAddress(), e.toString());
                closeQuietly(socket);
            }
        }
    }

    /** Checks the limits and the filter on the accept thread; returns why the connection is refused, or null. */
    private String admit(Socket socket) {
        if (live.size() - clientConnections.get() >= settings.maxConnections()) {
            return "server full: " + settings.maxConnections() + " connections";
        }
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        AtomicInteger perAddress = byAddress.get(remote.getAddress());
        if (perAddress != null && perAddress.get() >= settings.maxConnectionsPerAddress()) {
            return "too many connections from " + remote.getAddress().getHostAddress() + ": "
                    + settings.maxConnectionsPerAddress() + " allowed";
        }
        ConnectionFilter filter = settings.connectionFilter();
        if (filter != null) {
            try {
                return filter.reject(remote);
            } catch (RuntimeException e) {
                log.warn("connection filter threw for {}; refusing the connection", remote, e);
                return "refused";
            }
        }
        return null;
    }

    /**
     * Refuses a connection without giving it a thread: a HELLO and a CLOSE frame saying why (binary framing), written
     * into the fresh socket's empty send buffer, then close. One WARN line a second at most, however many there are.
     */
    private void refuse(Socket socket, String reason) {
        long refusedSoFar = refusals.incrementAndGet();
        metrics.refused((InetSocketAddress) socket.getRemoteSocketAddress(), reason);
        VigilEvents.handshakeRefused((InetSocketAddress) socket.getRemoteSocketAddress(), reason, false);
        long now = ticker.nanoTime();
        long last = lastRefusalLog.get();
        if (now - last >= TimeUnit.SECONDS.toNanos(1) && lastRefusalLog.compareAndSet(last, now)) {
            log.warn("refused a connection from {}: {} ({} refused so far)", socket.getRemoteSocketAddress(), reason,
                    refusedSoFar);
        }
        if (!settings.lineMode() && settings.tls() == null) {
            try {
                socket.setSoTimeout(100);
                byte[] close = Wire.closeFrame(CloseReason.Kind.REJECTED.code(), reason);
                byte[] both = new byte[refusingHello.length + close.length];
                System.arraycopy(refusingHello, 0, both, 0, refusingHello.length);
                System.arraycopy(close, 0, both, refusingHello.length, close.length);
                socket.getOutputStream().write(both);
                socket.shutdownOutput();
            } catch (IOException e) {
                log.debug("could not tell {} why it was refused: {}", socket.getRemoteSocketAddress(), e.toString());
            }
        }
        closeQuietly(socket);
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
        long deadline = ticker.nanoTime() + settings.connectTimeout().toNanos();
        Socket socket = new Socket();
        VigilConnection<M> connection;
        try {
            socket.connect(address, (int) Math.max(1, settings.connectTimeout().toMillis()));
            connection = start(socket, true, attachment, listener);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
        try {
            long wait = deadline - ticker.nanoTime();
            return connection.opened().get(Math.max(wait, 1), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            CloseReason reason = CloseReason.local(CloseReason.Kind.HANDSHAKE_TIMEOUT,
                    "handshake with " + address + " did not complete within " + settings.connectTimeout());
            connection.abort(reason, false);
            throw new ConnectionClosedException(reason);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            connection.abort(CloseReason.local(CloseReason.Kind.CLOSED_LOCALLY, "connect interrupted"), false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + address);
        }
    }

    private VigilConnection<M> start(Socket raw, boolean client, @Nullable Object attachment,
                                     ConnectionListener<M> listener) throws IOException {
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
        VigilConnection<M> connection = new VigilConnection<>(this, settings.withListener(listener), socket, raw, client,
                id, timer, ticker);
        connection.attach(attachment);
        live.put(id, connection);
        if (client) {
            clientConnections.incrementAndGet();
        }
        byAddress.computeIfAbsent(connection.remoteAddress().getAddress(), a -> new AtomicInteger()).incrementAndGet();
        Thread.ofVirtual().name("vigil-conn-" + id + "-reader")
                .uncaughtExceptionHandler(DefaultConnectionManager::uncaught)
                .start(connection::run);
        if (shuttingDown.get()) {
            connection.shutdown("shutting down");
        }
        return connection;
    }

    void startWriter(VigilConnection<M> connection) {
        Thread.ofVirtual().name("vigil-" + connection.name() + "-writer")
                .uncaughtExceptionHandler(DefaultConnectionManager::uncaught)
                .start(() -> connection.drain(false));
    }

    void startCloser(VigilConnection<M> connection, CloseReason reason) {
        Thread.ofVirtual().name("vigil-" + connection.name() + "-closer")
                .uncaughtExceptionHandler(DefaultConnectionManager::uncaught)
                .start(() -> connection.tellPeerAndClose(reason));
    }

    void startEventThread(VigilConnection<M> connection) {
        Thread.ofVirtual().name("vigil-" + connection.name() + "-events")
                .uncaughtExceptionHandler(DefaultConnectionManager::uncaught)
                .start(connection::drainEvents);
    }

    void opened(VigilConnection<M> connection) {
        open.put(connection.id(), connection);
    }

    void closed(VigilConnection<M> connection) {
        open.remove(connection.id());
        if (live.remove(connection.id()) != null) {
            if (connection.isClient()) {
                clientConnections.decrementAndGet();
            }
            byAddress.computeIfPresent(connection.remoteAddress().getAddress(),
                    (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    void warnIntervalRaised(long ownNanos, long minNanos, InetSocketAddress peer) {
        if (intervalWarned.compareAndSet(false, true)) {
            log.warn("heartbeat interval {} is shorter than the {} that peer {} accepts; pinging it every {} "
                            + "(logged once per manager)", Durations.format(ownNanos), Durations.format(minNanos), peer,
                    Durations.format(minNanos));
        }
    }

    private static void uncaught(Thread thread, Throwable error) {
        log.error("uncaught exception in {}", thread.getName(), error);
    }

    // ---- everyone ----

    @Override
    public Collection<Connection<M>> connections() {
        return openView;
    }

    @Override
    public CompletableFuture<Integer> broadcast(M message) {
        List<CompletableFuture<Void>> sends = new ArrayList<>(open.size());
        for (VigilConnection<M> connection : open.values()) {
            sends.add(connection.sendNoWait(message));
        }
        // Counted once all have settled, from the futures themselves: dependents of one future run in no set order.
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .handle((ignored, error) -> (int) sends.stream().filter(f -> !f.isCompletedExceptionally()).count());
    }

    @Override
    public boolean shutdown(Duration grace) throws InterruptedException {
        if (!shuttingDown.compareAndSet(false, true)) {
            try {
                return shutdownDone.get();
            } catch (ExecutionException e) {
                return false;
            }
        }
        boolean clean;
        try {
            clean = doShutdown(grace);
        } catch (RuntimeException | Error e) {
            shutdownDone.complete(false);
            throw e;
        }
        shutdownDone.complete(clean);
        return clean;
    }

    private boolean doShutdown(Duration grace) throws InterruptedException {
        for (ServerSocket server : servers) {
            closeQuietly(server);
        }
        long deadline = ticker.nanoTime() + grace.toNanos();
        List<VigilConnection<M>> all = new ArrayList<>(live.values());
        for (VigilConnection<M> connection : all) {
            connection.shutdown("the " + (connection.isClient() ? "client" : "server") + " is shutting down");
        }
        boolean clean = awaitTerminated(all, deadline);
        if (!clean) {
            log.warn("{} connections did not close within the grace period of {}; closing them", live.size(), grace);
            for (VigilConnection<M> connection : new ArrayList<>(live.values())) {
                connection.forceClose();
            }
        }
        // Every send future settles when its reader finishes; wait for that (bounded: a callback may be stuck).
        awaitTerminated(new ArrayList<>(live.values()), ticker.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        timer.stop();
        return clean;
    }

    private boolean awaitTerminated(List<VigilConnection<M>> connections, long deadline)
            throws InterruptedException {
        for (VigilConnection<M> connection : connections) {
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

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("close failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "ConnectionManager[" + managerId + ", " + settings.codec() + ", " + open.size() + " open]";
    }
}
