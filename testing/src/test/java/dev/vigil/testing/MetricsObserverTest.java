package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class MetricsObserverTest {

    /** Counts what it hears, as a Micrometer binding would. */
    static final class Counting implements MetricsObserver {
        final AtomicLong opened = new AtomicLong();
        final Map<CloseReason.Kind, AtomicLong> closed = new ConcurrentHashMap<>();
        final AtomicLong framesIn = new AtomicLong();
        final AtomicLong bytesIn = new AtomicLong();
        final AtomicLong framesOut = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();
        final AtomicLong rttSamples = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong handshakeFailures = new AtomicLong();

        @Override
        public void opened(Connection<?> connection) {
            opened.incrementAndGet();
        }

        @Override
        public void closed(Connection<?> connection, CloseReason reason) {
            closed.computeIfAbsent(reason.kind(), k -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void handshakeFailed(InetSocketAddress remote, CloseReason reason) {
            handshakeFailures.incrementAndGet();
        }

        @Override
        public void refused(InetSocketAddress remote, String reason) {
            refused.incrementAndGet();
        }

        @Override
        public void received(Connection<?> connection, int frames, int bytes) {
            framesIn.addAndGet(frames);
            bytesIn.addAndGet(bytes);
        }

        @Override
        public void sent(Connection<?> connection, int frames, int bytes) {
            framesOut.addAndGet(frames);
            bytesOut.addAndGet(bytes);
        }

        @Override
        public void rtt(Connection<?> connection, Duration rtt) {
            assertTrue(!rtt.isNegative());
            rttSamples.incrementAndGet();
        }

        long closedAs(CloseReason.Kind kind) {
            AtomicLong n = closed.get(kind);
            return n == null ? 0 : n.get();
        }
    }

    @Test
    void theObserverHearsOpensClosesFramesBytesAndRtt() throws Exception {
        Counting serverMetrics = new Counting();
        ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .metrics(serverMetrics)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofMillis(200)))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        connection.send(message);
                    }
                }).build();
        InetSocketAddress address = server.bind(Loopback.anyPort());
        Counting clientMetrics = new Counting();
        ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                .metrics(clientMetrics).heartbeat(HeartbeatPolicy.none()).build();
        Connection<byte[]> c = client.connect(address);
        for (int i = 0; i < 10; i++) {
            c.send(new byte[100]).get();
        }
        Await.until(Duration.ofSeconds(10), () -> clientMetrics.framesIn.get() >= 10, "ten echoes counted");
        Await.until(Duration.ofSeconds(10), () -> serverMetrics.rttSamples.get() >= 2, "server pinged the idle client");
        assertEquals(1, serverMetrics.opened.get());
        assertEquals(1, clientMetrics.opened.get());
        assertTrue(clientMetrics.framesOut.get() >= 10);
        assertTrue(clientMetrics.bytesOut.get() >= 10 * 105, "payload and headers: " + clientMetrics.bytesOut);
        assertTrue(serverMetrics.bytesIn.get() >= 10 * 105, "payload and headers: " + serverMetrics.bytesIn);

        // A heartbeat timeout is a close with its own kind.
        FaultProxy proxy = FaultProxy.start(address);
        client.connect(proxy.address());
        Await.until(Duration.ofSeconds(10), () -> serverMetrics.opened.get() == 2, "second connection opened");
        proxy.blackhole(FaultProxy.Direction.BOTH);
        Await.until(Duration.ofSeconds(10), () -> serverMetrics.closedAs(CloseReason.Kind.HEARTBEAT_TIMEOUT) == 1,
                "the heartbeat timeout was counted");
        proxy.close();

        c.close();
        Await.until(Duration.ofSeconds(10), () -> clientMetrics.closedAs(CloseReason.Kind.CLOSED_LOCALLY) == 1,
                "the local close was counted");
        client.close();
        server.close();
    }

    @Test
    void refusalsAndFailedHandshakesAreCountedApartFromCloses() throws Exception {
        Counting metrics = new Counting();
        try (ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .metrics(metrics).maxConnectionsPerAddress(1).build();
             ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes()).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            Connection<byte[]> first = client.connect(address);
            ConnectionClosedException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    ConnectionClosedException.class, () -> client.connect(address));
            assertEquals(CloseReason.Kind.REJECTED, refused.reason().kind());
            assertEquals(1, metrics.refused.get());
            first.close();
            Await.until(Duration.ofSeconds(5), () -> server.connections().isEmpty(), "the first one closed");
            try (RawPeer garbage = new RawPeer(address)) {
                garbage.send("hello?".getBytes());
                assertTrue(garbage.sawEndOfStream());
            }
            Await.until(Duration.ofSeconds(5), () -> metrics.handshakeFailures.get() == 1,
                    "the garbage peer was counted as a failed handshake");
            assertEquals(1, metrics.opened.get());
            assertEquals(1, metrics.refused.get());
        }
    }

    @Test
    void anObserverThatThrowsDoesNotBreakTheConnection() throws Exception {
        MetricsObserver broken = new MetricsObserver() {
            @Override
            public void received(Connection<?> connection, int frames, int bytes) {
                throw new IllegalStateException("metrics backend down");
            }
        };
        RecordingListener<String> events = new RecordingListener<>();
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .metrics(broken).listener(events).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8()).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            Connection<String> c = client.connect(address);
            c.send("one");
            c.send("two");
            events.next(RecordingListener.Open.class);
            assertEquals("one", events.next(RecordingListener.Message.class).message());
            assertEquals("two", events.next(RecordingListener.Message.class).message());
        }
    }
}
