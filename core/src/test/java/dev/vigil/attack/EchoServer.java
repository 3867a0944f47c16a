package dev.vigil.attack;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.Limits;
import dev.vigil.MessageCodec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * The server under attack: Vigil echoing every message inline from the reader, as the examples' echo server does
 * (or, as a {@linkplain #room room}, sending it to every other connection, as the chat example does), on loopback
 * port 0. It records how each connection ended and how many messages it sent, by the peer's local port, so a test
 * can ask how the attacker's connection was closed and when.
 */
final class EchoServer implements AutoCloseable {
    /** The heartbeat of the report: PING after 250 ms of silence, dead after 1 s. */
    static final HeartbeatPolicy FAST = HeartbeatPolicy.fixed(Duration.ofMillis(250), Duration.ofSeconds(1));

    private final ConnectionManager<String> manager;
    private final ConcurrentHashMap<Integer, CompletableFuture<CloseReason>> closes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, LongAdder> messages = new ConcurrentHashMap<>();
    final InetSocketAddress address;

    EchoServer(MessageCodec<String> codec, boolean room, UnaryOperator<ConnectionManager.Builder<String>> settings)
            throws IOException {
        AtomicReference<ConnectionManager<String>> self = new AtomicReference<>();
        ConnectionManager.Builder<String> b = ConnectionManager.builder(codec)
                .heartbeat(FAST)
                .shutdownGrace(Duration.ZERO)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String message) {
                        messages.computeIfAbsent(c.remoteAddress().getPort(), p -> new LongAdder()).increment();
                        if (!room) {
                            c.send(message);
                            return;
                        }
                        for (Connection<String> other : self.get().connections()) {
                            if (other != c) {
                                other.send(message);
                            }
                        }
                    }

                    @Override
                    public void onClose(Connection<String> c, CloseReason reason) {
                        closeOf(c.remoteAddress().getPort()).complete(reason);
                    }
                });
        manager = settings.apply(b).build();
        self.set(manager);
        address = manager.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** A binary echo server with the {@link #FAST} heartbeat. */
    static EchoServer binary() throws IOException {
        return new EchoServer(MessageCodec.utf8(), false, b -> b);
    }

    /** A line-mode echo server with the {@link #FAST} heartbeat. */
    static EchoServer lines() throws IOException {
        return new EchoServer(MessageCodec.lines(), false, b -> b);
    }

    /** A binary echo server with the {@link #FAST} heartbeat and these limits. */
    static EchoServer binary(Limits limits) throws IOException {
        return new EchoServer(MessageCodec.utf8(), false, b -> withLimits(b, limits));
    }

    /** A line-mode echo server with the {@link #FAST} heartbeat and these limits. */
    static EchoServer lines(Limits limits) throws IOException {
        return new EchoServer(MessageCodec.lines(), false, b -> withLimits(b, limits));
    }

    /**
     * A chat room: every message goes to every other connection, sent from the sender's reader thread, under the
     * default {@code BLOCK} backpressure and a small queue, so one member that never reads fills its queue fast.
     */
    static EchoServer room(Limits limits) throws IOException {
        return new EchoServer(MessageCodec.utf8(), true, b -> withLimits(b.maxQueuedMessages(64), limits));
    }

    private static ConnectionManager.Builder<String> withLimits(ConnectionManager.Builder<String> b, Limits limits) {
        return b.limits(limits);
    }

    /** {@return how many messages the server has received from the peer} */
    long messagesFrom(AttackPeer peer) {
        LongAdder n = messages.get(peer.socket.getLocalPort());
        return n == null ? 0 : n.sum();
    }

    private CompletableFuture<CloseReason> closeOf(int port) {
        return closes.computeIfAbsent(port, p -> new CompletableFuture<>());
    }

    /**
     * {@return how the server closed the peer's connection}
     *
     * @throws AssertionError if it did not within {@code timeout}
     */
    CloseReason awaitClose(AttackPeer peer, Duration timeout) throws InterruptedException {
        try {
            return closeOf(peer.socket.getLocalPort()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the server did not close the attacker's connection within " + timeout
                    + " (the attacker sent " + peer.bytesSent.get() + " bytes)");
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** {@return how many connections are open} */
    int open() {
        return manager.connections().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
