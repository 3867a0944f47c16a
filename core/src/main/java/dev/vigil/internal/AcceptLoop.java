package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.ConnectionFilter;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.jfr.VigilEvents;
import dev.vigil.internal.wire.CloseFrame;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The accept side of a manager: one loop per bound socket, the connection limits and filter checked on the accept
 * thread, and refusals that cost no thread (a HELLO and a CLOSE frame saying why, written into the fresh socket's
 * empty send buffer, then close), logged once a second at most however many there are.
 */
final class AcceptLoop<M> {
    private static final Logger log = LoggerFactory.getLogger(AcceptLoop.class);

    /** Sets up an accepted socket as a connection. */
    @FunctionalInterface
    interface Starter {
        void start(Socket socket) throws IOException;
    }

    private final Settings<M> settings;
    private final Registry<M> registry;
    private final MetricsObserver metrics;
    private final Ticker ticker;
    private final byte[] refusingHello;
    private final Starter starter;
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(Long.MIN_VALUE / 2);

    AcceptLoop(Settings<M> settings, Registry<M> registry, MetricsObserver metrics, Ticker ticker,
               byte[] refusingHello, Starter starter) {
        this.settings = settings;
        this.registry = registry;
        this.metrics = metrics;
        this.ticker = ticker;
        this.refusingHello = refusingHello;
        this.starter = starter;
    }

    /** Accepts until the server socket closes; {@code stopping} tells whether its closing is the manager's. */
    void run(ServerSocket server, BooleanSupplier stopping) {
        long backoffMillis = 0;
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
                backoffMillis = 0;
            } catch (IOException e) {
                if (server.isClosed() || stopping.getAsBoolean()) {
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
            if (stopping.getAsBoolean()) {
                DefaultConnectionManager.closeQuietly(socket);
                continue;
            }
            String refused = admit(socket);
            if (refused != null) {
                refuse(socket, refused);
                continue;
            }
            try {
                starter.start(socket);
            } catch (IOException | RuntimeException e) {
                log.warn("could not set up a connection from {}: {}", socket.getRemoteSocketAddress(), e.toString());
                DefaultConnectionManager.closeQuietly(socket);
            }
        }
    }

    /** Checks the limits and the filter; returns why the connection is refused, or null. */
    private @Nullable String admit(Socket socket) {
        if (registry.serverConnections() >= settings.maxConnections()) {
            return "server full: " + settings.maxConnections() + " connections";
        }
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        if (registry.from(remote.getAddress()) >= settings.maxConnectionsPerAddress()) {
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
        if (refusingHello.length > 0 && settings.tls() == null) {
            try {
                socket.setSoTimeout(100);
                byte[] close = CloseFrame.encode(CloseReason.Kind.REJECTED.code(), reason);
                byte[] both = new byte[refusingHello.length + close.length];
                System.arraycopy(refusingHello, 0, both, 0, refusingHello.length);
                System.arraycopy(close, 0, both, refusingHello.length, close.length);
                socket.getOutputStream().write(both);
                socket.shutdownOutput();
            } catch (IOException e) {
                log.debug("could not tell {} why it was refused: {}", socket.getRemoteSocketAddress(), e.toString());
            }
        }
        DefaultConnectionManager.closeQuietly(socket);
    }
}
