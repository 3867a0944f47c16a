package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.ReconnectListener;
import dev.vigil.ReconnectPolicy;
import dev.vigil.ReconnectingClient;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reconnecting client through {@link FaultProxy}: it reconnects after the network goes silent and after a reset in
 * the middle of it. (core's {@code ReconnectingClientTest} covers the rest of the client without a proxy.)
 */
@Timeout(10)
class ReconnectingThroughFaultsTest {
    private static final ReconnectPolicy FAST =
            ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(200)).build();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** What the reconnecting client tells its listener, one queue per kind of call. */
    private static final class Client implements ReconnectListener<String> {
        final LinkedBlockingQueue<Connection<String>> connected = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Connection<String>> closed = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<CloseReason> reasons = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();

        @Override
        public void onConnected(Connection<String> connection, int attempts) {
            connected.add(connection);
        }

        @Override
        public void onClose(Connection<String> connection, CloseReason reason) {
            closed.add(connection);
            reasons.add(reason);
        }

        @Override
        public void onMessage(Connection<String> connection, String message) {
            messages.add(message);
        }

        static <T> T next(LinkedBlockingQueue<T> queue, String what) throws InterruptedException {
            T t = queue.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
            assertNotNull(t, "no " + what + " within " + WAIT);
            return t;
        }
    }

    @Test
    void reconnectsAfterAHeartbeatTimeoutAndAfterAReset() throws Exception {
        InetSocketAddress server = closeLater(ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<String>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        connection.send(message);
                    }
                }).build()).bind(Loopback.anyPort());
        FaultProxy proxy = closeLater(FaultProxy.start(server));
        Client events = new Client();
        ReconnectingClient<String> client = closeLater(ReconnectingClient.start(
                ConnectionManager.builder(MessageCodec.utf8())
                        .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(30), Duration.ofMillis(150)))
                        .connectTimeout(Duration.ofMillis(500)),
                FAST, events, List.of(proxy.address())));
        Connection<String> first = Client.next(events.connected, "connection");

        proxy.blackhole(FaultProxy.Direction.DOWNSTREAM);
        assertSame(first, Client.next(events.closed, "close"));
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, events.reasons.take().kind());
        proxy.clearToxics();
        Connection<String> second = Client.next(events.connected, "second connection");
        assertNotSame(first, second);

        proxy.resetAll();
        assertSame(second, Client.next(events.closed, "close after the reset"));
        CloseReason reset = events.reasons.take();
        assertTrue(reset.kind() != CloseReason.Kind.CLOSED_LOCALLY, reset.toString());
        Connection<String> third = Client.next(events.connected, "third connection");
        assertNotSame(second, third);
        client.send("still here").get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        assertEquals("still here", Client.next(events.messages, "echo"));
    }
}
