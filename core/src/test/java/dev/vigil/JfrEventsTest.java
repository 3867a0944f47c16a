package dev.vigil;

import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vigil's JFR events, recorded with the JDK's default settings (so: enabled by default) over real loopback
 * connections, read back from the recording file, and checked field by field.
 */
class JfrEventsTest {
    @TempDir
    Path dir;

    private Recording recording;

    @BeforeEach
    void startRecording() throws Exception {
        recording = new Recording(Configuration.getConfiguration("default"));
        recording.start();
    }

    @AfterEach
    void closeRecording() {
        recording.close();
    }

    private List<RecordedEvent> stop(String name, long connectionId) throws Exception {
        return stop(name).stream().filter(e -> e.getLong("connectionId") == connectionId).toList();
    }

    private List<RecordedEvent> stop(String name) throws Exception {
        if (recording.getState() == jdk.jfr.RecordingState.RUNNING) {
            recording.stop();
            recording.dump(dir.resolve("vigil.jfr"));
        }
        return RecordingFile.readAllEvents(dir.resolve("vigil.jfr")).stream()
                .filter(e -> e.getEventType().getName().equals(name))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime)).toList();
    }

    @Test
    @Timeout(30)
    void openedAndClosedEventsCarryTheAddressesTheReasonAndTheRtt() throws Exception {
        RecordingListener<String> serverEvents = new RecordingListener<>();
        Connection<String> client;
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.none()).listener(serverEvents).build();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofSeconds(5))).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            client = clients.connect(address);
            Connection<?> accepted = serverEvents.next(RecordingListener.Open.class).connection();
            Await.until(Duration.ofSeconds(10), () -> client.rtt().samples() >= 2, "RTT samples");
            client.close();
            assertEquals(CloseReason.Kind.CLOSED_BY_PEER,
                    serverEvents.next(RecordingListener.Close.class).reason().kind());

            RecordedEvent opened = single(stop("dev.vigil.ConnectionOpened", client.id()));
            assertTrue(opened.getBoolean("client"));
            assertEquals("127.0.0.1:" + address.getPort(), opened.getString("remoteAddress"));
            assertEquals("127.0.0.1:" + client.localAddress().getPort(), opened.getString("localAddress"));
            RecordedEvent acceptedOpened = single(stop("dev.vigil.ConnectionOpened", accepted.id()));
            assertFalse(acceptedOpened.getBoolean("client"));

            RecordedEvent closed = single(stop("dev.vigil.ConnectionClosed", client.id()));
            assertEquals("CLOSED_LOCALLY", closed.getString("kind"));
            assertFalse(closed.getBoolean("byPeer"));
            assertEquals("the application closed the connection", closed.getString("message"));
            assertTrue(closed.getLong("rttSamples") >= 2);
            assertTrue(closed.getDuration("lastRtt").toNanos() > 0);
            assertTrue(closed.getDuration("smoothedRtt").toNanos() > 0);
            assertTrue(closed.getDuration("silence").compareTo(Duration.ofSeconds(5)) < 0);
            assertEquals("Vigil", closed.getEventType().getCategoryNames().getFirst());

            RecordedEvent closedByPeer = single(stop("dev.vigil.ConnectionClosed", accepted.id()));
            assertEquals("CLOSED_BY_PEER", closedByPeer.getString("kind"));
            assertTrue(closedByPeer.getBoolean("byPeer"));
            assertEquals(0, closedByPeer.getLong("rttSamples"), "the server side sends no PINGs");
            assertEquals(Long.MIN_VALUE, closedByPeer.getLong("lastRtt"), "no RTT: N/A");
        }
    }

    @Test
    @Timeout(30)
    void aSilentPeerGivesStateChangesBothWaysThenAHeartbeatTimeoutWithItsNumbers() throws Exception {
        RecordingListener<String> serverEvents = new RecordingListener<>();
        CountDownLatch firstStall = new CountDownLatch(1);
        CountDownLatch secondStall = new CountDownLatch(1);
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofMillis(1500)))
                .listener(serverEvents).build();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.none()).shutdownGrace(Duration.ZERO)
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onMessage(Connection<String> c, String message) {
                             // A reader stuck in a callback answers no PING: to the server, the peer went silent.
                             await(message.equals("first") ? firstStall : secondStall);
                         }
                     }).build()) {
            clients.connect(server.bind(Loopback.anyPort()));
            Connection<String> accepted = typed(serverEvents.next(RecordingListener.Open.class).connection());
            accepted.send("first");
            assertEquals(ConnectionState.SUSPECT,
                    serverEvents.next(RecordingListener.StateChange.class, Duration.ofSeconds(10)).to());
            firstStall.countDown(); // the peer answers again before the timeout: it recovers
            assertEquals(ConnectionState.ACTIVE,
                    serverEvents.next(RecordingListener.StateChange.class, Duration.ofSeconds(10)).to());
            Await.until(Duration.ofSeconds(10), () -> accepted.rtt().samples() >= 1, "an RTT sample");
            accepted.send("second");
            assertEquals(ConnectionState.SUSPECT,
                    serverEvents.next(RecordingListener.StateChange.class, Duration.ofSeconds(10)).to());
            RecordingListener.Close close = serverEvents.next(RecordingListener.Close.class, Duration.ofSeconds(10));
            assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, close.reason().kind());
            secondStall.countDown();

            List<RecordedEvent> changes = stop("dev.vigil.ConnectionStateChanged", accepted.id());
            assertEquals(List.of("ACTIVE>SUSPECT", "SUSPECT>ACTIVE", "ACTIVE>SUSPECT"),
                    changes.stream().map(e -> e.getString("from") + ">" + e.getString("to")).toList());
            // Suspect halfway between interval and timeout: 775 ms of silence.
            assertTrue(changes.getFirst().getDuration("silence").compareTo(Duration.ofMillis(775)) >= 0,
                    "silence when suspect: " + changes.getFirst().getDuration("silence"));
            assertEquals(Long.MIN_VALUE, changes.get(1).getLong("silence"), "recovery has no silence: N/A");

            RecordedEvent timeout = single(stop("dev.vigil.HeartbeatTimeout", accepted.id()));
            Duration silence = timeout.getDuration("silence");
            assertTrue(silence.compareTo(Duration.ofMillis(1500)) >= 0, "silence: " + silence);
            assertTrue(timeout.getLong("pingsUnanswered") >= 1, "PINGs: " + timeout.getLong("pingsUnanswered"));
            Duration stall = timeout.getDuration("ownStall");
            assertTrue(!stall.isNegative() && stall.compareTo(silence) <= 0, "own stall " + stall);
            assertTrue(timeout.getDuration("lastRtt").toNanos() > 0, "the RTT measured before the silence");
            assertFalse(timeout.getBoolean("client"));

            RecordedEvent closed = single(stop("dev.vigil.ConnectionClosed", accepted.id()));
            assertEquals("HEARTBEAT_TIMEOUT", closed.getString("kind"));
            assertEquals(close.reason().message(), closed.getString("message"));
        } finally {
            firstStall.countDown();
            secondStall.countDown();
        }
    }

    @Test
    @Timeout(30)
    void aSlowConsumerEventSaysHowFullTheQueueWas() throws Exception {
        RecordingListener<byte[]> serverEvents = new RecordingListener<>();
        CountDownLatch release = new CountDownLatch(1);
        try (ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none()).backpressure(BackpressurePolicy.CLOSE).maxQueuedMessages(16)
                .listener(serverEvents).build();
             ConnectionManager<byte[]> clients = ConnectionManager.builder(MessageCodec.bytes())
                     .heartbeat(HeartbeatPolicy.none()).shutdownGrace(Duration.ZERO)
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onMessage(Connection<byte[]> c, byte[] message) {
                             await(release); // stops reading
                         }
                     }).build()) {
            clients.connect(server.bind(Loopback.anyPort()));
            Connection<byte[]> accepted = typed(serverEvents.next(RecordingListener.Open.class).connection());
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 10_000 && accepted.closeReason() == null; i++) {
                accepted.send(chunk);
            }
            assertEquals(CloseReason.Kind.SLOW_CONSUMER, serverEvents.next(RecordingListener.Close.class).reason()
                    .kind());
            release.countDown();

            RecordedEvent slow = single(stop("dev.vigil.SlowConsumer", accepted.id()));
            assertEquals(16, slow.getLong("limit"));
            assertEquals(16, slow.getLong("queued"));
            assertEquals(accepted.remoteAddress().getPort(),
                    Integer.parseInt(slow.getString("remoteAddress").split(":")[1]));
        } finally {
            release.countDown();
        }
    }

    @Test
    @Timeout(30)
    void aRefusedHandshakeIsRecordedOnBothSides() throws Exception {
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8()).maxConnections(1)
                .build();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8()).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            clients.connect(address);
            ConnectionClosedException refused = assertThrows(ConnectionClosedException.class,
                    () -> clients.connect(address));
            assertEquals(CloseReason.Kind.REJECTED, refused.reason().kind());

            List<RecordedEvent> events = stop("dev.vigil.HandshakeRefused").stream()
                    .filter(e -> e.getString("reason").equals("server full: 1 connections")).toList();
            assertEquals(2, events.size(), "one event on each side: " + events);
            RecordedEvent byServer = events.stream().filter(e -> !e.getBoolean("byPeer")).findFirst().orElseThrow();
            RecordedEvent byPeer = events.stream().filter(e -> e.getBoolean("byPeer")).findFirst().orElseThrow();
            assertEquals("127.0.0.1", byServer.getString("remoteAddress").split(":")[0]);
            assertEquals("127.0.0.1:" + address.getPort(), byPeer.getString("remoteAddress"));
        }
    }

    @Test
    @Timeout(30)
    void aRecordingThatDisablesTheEventsGetsNone() throws Exception {
        recording.disable("dev.vigil.ConnectionOpened");
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8()).build();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8()).build()) {
            Connection<String> client = clients.connect(server.bind(Loopback.anyPort()));
            assertEquals(List.of(), stop("dev.vigil.ConnectionOpened", client.id()));
        }
    }

    @SuppressWarnings("unchecked")
    private static <M> Connection<M> typed(Connection<?> connection) {
        return (Connection<M>) connection;
    }

    private static RecordedEvent single(List<RecordedEvent> events) {
        assertEquals(1, events.size(), "exactly one event: " + events);
        return events.getFirst();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
