package dev.vigil.micrometer;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.Delivery;
import dev.vigil.MessageCodec;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionPolicy;
import dev.vigil.testsupport.Logs;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meters of {@link VigilMetrics}, read from a {@link SimpleMeterRegistry} while real loopback connections work. */
class VigilMetricsTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    @Timeout(30)
    void opensClosesFramesBytesAndRttAreCountedWhileTheActiveGaugeFollowsTheConnections() throws Exception {
        VigilMetrics metrics = new VigilMetrics(registry, Tags.of("manager", "echo"));
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8()).metrics(metrics)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofSeconds(5)))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        connection.send(message);
                    }
                }).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.none()).build()) {
            InetSocketAddress address = server.bind(ANY_PORT);
            Connection<String> first = client.connect(address);
            Connection<String> second = client.connect(address);
            await(() -> gauge("vigil.connections.active") == 2, () -> "two active: " + gauge("vigil.connections.active"));
            for (int i = 0; i < 10; i++) {
                first.send("ping-" + i).get(5, TimeUnit.SECONDS);
            }
            await(() -> registry.get("vigil.rtt").timer().count() >= 2, () -> "RTT samples from the heartbeats");
            first.close();
            await(() -> gauge("vigil.connections.active") == 1, () -> "one left: " + gauge("vigil.connections.active"));

            assertEquals(2, counter("vigil.connections.opened"));
            assertEquals(1, registry.get("vigil.connections.closed").tag("kind", "CLOSED_BY_PEER").counter().count());
            assertEquals(0, registry.get("vigil.connections.closed").tag("kind", "HEARTBEAT_TIMEOUT").counter().count(),
                    "every kind is registered from the start, at zero");
            long pongs = registry.get("vigil.rtt").timer().count();
            // 10 messages, a PONG for each RTT sample (the client never pings), and the closed connection's CLOSE.
            assertEquals(10 + pongs + 1, counter("vigil.frames.received"));
            assertTrue(counter("vigil.frames.sent") >= 10, "echoes: " + counter("vigil.frames.sent"));
            assertTrue(counter("vigil.bytes.received") >= 10 * (5 + "ping-0".length()),
                    "bytes: " + counter("vigil.bytes.received"));
            assertTrue(registry.get("vigil.rtt").timer().max(TimeUnit.NANOSECONDS) > 0);
            assertEquals("echo", registry.get("vigil.connections.opened").counter().getId().getTag("manager"));
            assertTrue(second.state().isOpen());
        }
        assertEquals(0, gauge("vigil.connections.active"), "the shutdown closed the other one");
        assertEquals(1, registry.get("vigil.connections.closed").tag("kind", "SHUTDOWN").counter().count());
    }

    @Test
    @Timeout(30)
    void aDeadPeerIsCountedAsAHeartbeatTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .metrics(new VigilMetrics(registry))
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofMillis(300))).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.none())
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onMessage(Connection<String> connection, String message) {
                             // A peer whose reader is stuck answers no PING: to the server it is dead.
                             awaitQuietly(release);
                         }
                     }).build()) {
            InetSocketAddress address = server.bind(ANY_PORT);
            client.connect(address);
            await(() -> server.connections().size() == 1, () -> "server side open");
            server.connections().iterator().next().send("stall").get(5, TimeUnit.SECONDS);
            await(() -> registry.get("vigil.connections.closed").tag("kind", "HEARTBEAT_TIMEOUT").counter().count() == 1,
                    () -> "heartbeat timeout counted");
            assertEquals(0, gauge("vigil.connections.active"));
            Logs.await(Level.WARN, "HEARTBEAT_TIMEOUT", Duration.ofSeconds(5));
            release.countDown(); // before the managers close: a stuck callback would hold up the shutdown
        } finally {
            release.countDown();
        }
    }

    @Test
    @Timeout(30)
    void refusalsAndFailedHandshakesAreCountedOnEachSide() throws Exception {
        SimpleMeterRegistry clientRegistry = new SimpleMeterRegistry();
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .metrics(new VigilMetrics(registry)).maxConnections(1).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                     .metrics(new VigilMetrics(clientRegistry)).build()) {
            InetSocketAddress address = server.bind(ANY_PORT);
            client.connect(address);
            ConnectionClosedException refused = assertThrows(ConnectionClosedException.class,
                    () -> client.connect(address));
            assertEquals(CloseReason.Kind.REJECTED, refused.reason().kind());
            await(() -> counter("vigil.connections.refused") == 1, () -> "refusal counted by the server");
            await(() -> clientRegistry.get("vigil.handshakes.failed").tag("kind", "REJECTED").counter().count() == 1,
                    () -> "the refused client counts a failed handshake");
            assertEquals(1, clientRegistry.get("vigil.connections.opened").counter().count());
            Logs.await(Level.WARN, "refused a connection", Duration.ofSeconds(5));
        }
    }

    @Test
    @Timeout(30)
    void theQueuedGaugeShowsMessagesWaitingForASlowPeer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .metrics(new VigilMetrics(registry)).heartbeat(HeartbeatPolicy.none())
                .maxQueuedMessages(100_000).backpressure(BackpressurePolicy.FAIL).build();
             ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                     .heartbeat(HeartbeatPolicy.none())
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onMessage(Connection<byte[]> connection, byte[] message) {
                             awaitQuietly(release); // stops reading: the socket buffers fill, then the queue
                         }
                     }).build()) {
            InetSocketAddress address = server.bind(ANY_PORT);
            client.connect(address);
            await(() -> server.connections().size() == 1, () -> "server side open");
            Connection<byte[]> toClient = server.connections().iterator().next();
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < 2_000; i++) { // 32 MB: more than the loopback socket buffers hold
                toClient.send(chunk);
            }
            await(() -> gauge("vigil.messages.queued") > 0, () -> "messages queued");
            release.countDown();
            await(() -> gauge("vigil.messages.queued") == 0, () -> "drained once the peer reads again: "
                    + gauge("vigil.messages.queued") + " left");
            assertEquals(0, toClient.stats().queuedMessages());
        } finally {
            release.countDown();
        }
    }

    @Test
    @Timeout(30)
    void deliveriesConfirmedByThePeerAreCountedOnTheSendingSide() throws Exception {
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .sessions(SessionPolicy.defaults()).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                     .sessions(SessionPolicy.defaults()).metrics(new VigilMetrics(registry)).build()) {
            Connection<String> c = client.connect(server.bind(ANY_PORT));
            List<Delivery> deliveries = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                deliveries.add(c.sendConfirmed("m" + i));
            }
            for (Delivery d : deliveries) {
                d.delivered().get(10, TimeUnit.SECONDS);
            }
            await(() -> counter("vigil.messages.delivered") == 100,
                    () -> "delivered: " + counter("vigil.messages.delivered"));
            assertEquals(0, counter("vigil.sessions.resumed"));
        }
    }

    @Test
    void resumesReplaysAndRefusalsByReasonGoToTheirCounters() {
        VigilMetrics metrics = new VigilMetrics(registry, Tags.of("manager", "gateway"));
        for (ResumeFailure reason : ResumeFailure.values()) {
            assertEquals(0, registry.get("vigil.sessions.resume.failed").tag("reason", reason.name()).counter()
                    .count(), "every reason's counter exists from the start");
        }
        metrics.sessionResumed(null, 3, 5);
        metrics.sessionResumed(null, 1, 0);
        metrics.sessionResumeFailed(null, ResumeFailure.EPOCH_CHANGED, 7);
        metrics.deliveryConfirmed(null, 4);

        assertEquals(2, counter("vigil.sessions.resumed"));
        assertEquals(4, registry.get("vigil.sessions.replayed").tag("direction", "sent").counter().count());
        assertEquals(5, registry.get("vigil.sessions.replayed").tag("direction", "received").counter().count());
        assertEquals(1, registry.get("vigil.sessions.resume.failed").tag("reason", "EPOCH_CHANGED").counter()
                .count());
        assertEquals(0, registry.get("vigil.sessions.resume.failed").tag("reason", "EXPIRED").counter().count());
        assertEquals(7, counter("vigil.sessions.handed.back"));
        assertEquals(4, counter("vigil.messages.delivered"));
        assertEquals("gateway", registry.get("vigil.sessions.resumed").counter().getId().getTag("manager"));
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, () -> "not within 10 s: " + what.get());
            LockSupport.parkNanos(1_000_000);
        }
    }
}
