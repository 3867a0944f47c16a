package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.HeartbeatTimeoutException;
import dev.vigil.MessageCodec;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heartbeats over real sockets, with a fault-injecting proxy in between. */
class HeartbeatSocketTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /**
     * How late the heartbeat timer may wake before the lateness is recorded as a stall of this JVM (the timer's stall
     * threshold, docs/heartbeats.md).
     */
    private static final Duration WAKE_UP_NOISE = Duration.ofMillis(20);

    /**
     * How long after a deadline the timer means to wake, so that deadlines near each other share a wake-up: planned
     * lateness, never counted as a stall (docs/heartbeats.md, "One timer, coalesced").
     */
    private static final Duration TIMER_COALESCE = Duration.ofMillis(4);

    /** A server that records how and when each connection closed. */
    private record Closed(long atNanos, CloseReason reason) {
    }

    @Test
    @Timeout(60)
    void aPeerThatGoesSilentWithItsConnectionOpenIsDeclaredDeadWithinTheTimeoutPlusTheMeasuredStallInFiftyOfFiftyTrials()
            throws Exception {
        Duration timeout = Duration.ofMillis(150);
        LinkedBlockingQueue<Closed> closes = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(30), timeout))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        received.add(message);
                    }

                    @Override
                    public void onClose(Connection<byte[]> connection, CloseReason reason) {
                        closes.add(new Closed(System.nanoTime(), reason));
                    }
                }).build());
        InetSocketAddress address = server.bind(Loopback.anyPort());
        FaultProxy proxy = closeLater(FaultProxy.start(address));
        ConnectionManager<byte[]> client = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none()).build());

        List<Long> detections = new ArrayList<>();
        List<Long> walls = new ArrayList<>();
        for (int trial = 0; trial < 50; trial++) {
            proxy.clearToxics();
            Connection<byte[]> c = client.connect(proxy.address());
            c.send(new byte[]{1});
            assertNotNull(received.poll(5, TimeUnit.SECONDS), "the server heard the peer before it went silent");
            long silentFrom = System.nanoTime();
            proxy.blackhole(FaultProxy.Direction.BOTH); // power loss: no FIN, no RST, nothing
            Closed closed = closes.poll(5, TimeUnit.SECONDS);
            assertNotNull(closed, "trial " + trial + ": the silent peer was never declared dead");
            assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, closed.reason().kind(), closed.reason().toString());
            long took = TimeUnit.NANOSECONDS.toMillis(closed.atNanos() - silentFrom);
            // The promise: dead once the silence less this JVM's own measured stall reaches the timeout, judged at a
            // timer wake-up that may be late by up to the stall threshold before the lateness counts as a stall. The
            // verdict's numbers are the ticker's; the wall time to onClose (in the message) adds the listener call's
            // own scheduling, which nothing bounds on a loaded machine.
            HeartbeatTimeoutException verdict = (HeartbeatTimeoutException) closed.reason().cause();
            long judged = verdict.silence().minus(verdict.localStall()).toMillis();
            assertTrue(judged >= timeout.toMillis(), "trial " + trial + ": declared dead early: " + closed.reason());
            detections.add(judged);
            walls.add(took);
            c.close();
        }
        long worst = detections.stream().mapToLong(Long::longValue).max().orElseThrow();
        // A verdict is judged at a wake-up planned TIMER_COALESCE after the deadline, and that wake-up may be late by
        // just under the stall threshold without the lateness being a stall: that much is the promise's slack.
        assertTrue(worst <= timeout.plus(TIMER_COALESCE).plus(WAKE_UP_NOISE).toMillis(),
                "worst silence less the measured stall " + worst
                + " ms: " + detections + "; from the blackhole to onClose: " + walls);
    }

    @Test
    @Timeout(60)
    void aPeerThatAnswersIsNeverClosedWhileOtherConnectionsSaturateTheCpu() throws Exception {
        Duration runFor = Duration.ofSeconds(Long.getLong("vigil.test.loadSeconds", 5));
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofMillis(300)))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        connection.send(message);
                    }
                }).build());
        InetSocketAddress address = server.bind(Loopback.anyPort());

        RecordingListener<byte[]> watched = new RecordingListener<>();
        ConnectionManager<byte[]> quiet = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofMillis(300)))
                .listener(watched).build());
        Connection<byte[]> idle = quiet.connect(address);
        watched.next(RecordingListener.Open.class);

        // Flooders: each echo triggers the next send, on every core.
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong echoes = new AtomicLong();
        ConnectionManager<byte[]> load = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        echoes.incrementAndGet();
                        if (flooding.get()) {
                            connection.send(message);
                        }
                    }
                }).build());
        for (int i = 0; i < 16; i++) {
            Connection<byte[]> c = load.connect(address);
            for (int w = 0; w < 16; w++) {
                c.send(new byte[256]);
            }
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            // CPU burners on platform threads too, so the carriers compete with the OS scheduler's other work.
            long until = System.nanoTime() + runFor.toNanos();
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            done.complete(null);
        });
        done.get(runFor.toSeconds() + 30, TimeUnit.SECONDS);
        flooding.set(false);

        assertTrue(echoes.get() > 1000, "the load really ran: " + echoes.get() + " echoes");
        assertNull(idle.closeReason(), "the answering peer was never closed");
        assertTrue(idle.state().isOpen());
        assertTrue(idle.rtt().samples() + server.connections().stream()
                .filter(c -> c.remoteAddress().equals(idle.localAddress()))
                .mapToLong(c -> c.rtt().samples()).sum() >= runFor.toMillis() / 50 / 10,
                "heartbeats kept going on the idle connection: " + idle.rtt());
    }

    @Test
    @Timeout(30)
    void rttIsMeasuredFromPingsAndGrowsWithAddedLatency() throws Exception {
        // Only the client pings: the side that pings is the side that measures.
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none()).build());
        InetSocketAddress address = server.bind(Loopback.anyPort());
        FaultProxy proxy = closeLater(FaultProxy.start(address, 1));
        ConnectionManager<byte[]> client = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofSeconds(5))).build());
        Connection<byte[]> c = client.connect(proxy.address());
        Await.until(Duration.ofSeconds(10), () -> c.rtt().samples() >= 3, "pings were answered: " + c.rtt());
        assertTrue(c.rtt().min().toMillis() < 20, "loopback RTT is small: " + c.rtt());

        proxy.latency(FaultProxy.Direction.DOWNSTREAM, Duration.ofMillis(40), Duration.ZERO);
        long before = c.rtt().samples();
        Await.until(Duration.ofSeconds(10), () -> c.rtt().samples() >= before + 5, "more samples: " + c.rtt());
        assertTrue(c.rtt().last().toMillis() >= 40, "the added 40 ms shows in the last RTT: " + c.rtt());
        assertTrue(c.rtt().smoothed().toMillis() >= 15, "and pulls the smoothed RTT up: " + c.rtt());
        assertTrue(c.state().isOpen());
    }

    @Test
    @Timeout(30)
    void aSilentPeerIsFirstSuspectThenDeadAndARecoveredOneIsReportedActiveAgain() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(100), Duration.ofMillis(600)))
                .listener(events).build());
        InetSocketAddress address = server.bind(Loopback.anyPort());
        FaultProxy proxy = closeLater(FaultProxy.start(address));
        ConnectionManager<byte[]> client = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none()).build());
        client.connect(proxy.address());
        events.next(RecordingListener.Open.class);

        // A congested path: the PONG takes 400 ms, past the suspect point (350 ms), within the timeout (600 ms).
        proxy.latency(FaultProxy.Direction.UPSTREAM, Duration.ofMillis(400), Duration.ZERO);
        RecordingListener.StateChange suspect = events.next(RecordingListener.StateChange.class);
        assertEquals(ConnectionState.SUSPECT, suspect.to());
        RecordingListener.StateChange back = events.next(RecordingListener.StateChange.class);
        assertEquals(ConnectionState.SUSPECT, back.from());
        assertEquals(ConnectionState.ACTIVE, back.to());

        proxy.clearToxics();
        proxy.blackhole(FaultProxy.Direction.BOTH);
        assertEquals(ConnectionState.SUSPECT, events.next(RecordingListener.StateChange.class).to());
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, reason.kind());
        assertTrue(reason.message().contains("no sign of life"), reason.message());
        events.assertNoMore();
    }

    @Test
    @Timeout(30)
    void aPeerThatCanStillHearIsToldItWasTimedOut() throws Exception {
        RecordingListener<byte[]> serverEvents = new RecordingListener<>();
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofMillis(200)))
                .listener(serverEvents).build());
        InetSocketAddress address = server.bind(Loopback.anyPort());
        FaultProxy proxy = closeLater(FaultProxy.start(address));
        RecordingListener<byte[]> events = new RecordingListener<>();
        ConnectionManager<byte[]> client = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none()).listener(events).build());
        client.connect(proxy.address());
        events.next(RecordingListener.Open.class);
        // The client opens on the server's HELLO; its own may still be inside the proxy. Only once the server has
        // it is the connection open on both sides (blackholed earlier, the server would time out the handshake).
        serverEvents.next(RecordingListener.Open.class);
        proxy.blackhole(FaultProxy.Direction.UPSTREAM); // the client is deaf to nothing, but nobody hears it
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, reason.kind(), reason.toString());
        assertTrue(reason.remote(), "the server's CLOSE frame told the client: " + reason);
    }

    @Test
    @Timeout(30)
    void aPeerThatPingsFasterThanAllowedIsClosedForAPolicyViolationAndToldWhy() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .minPeerPingInterval(Duration.ofMillis(500)).maxPingStrikes(2)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)))
                .listener(events).build());
        InetSocketAddress address = server.bind(Loopback.anyPort());
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            for (int i = 0; i < 4; i++) {
                peer.send(RawPeer.ping(i));
            }
            CloseReason reason = events.next(RecordingListener.Close.class).reason();
            assertEquals(CloseReason.Kind.POLICY_VIOLATION, reason.kind());
            RawPeer.Frame close = peer.readUntilClose();
            assertEquals(CloseReason.Kind.POLICY_VIOLATION.code(), close.closeCode());
            assertTrue(close.closeText().contains("faster than the 500ms"), close.closeText());
        }
    }

    @Test
    @Timeout(30)
    void pongsNeverCountAsPingStrikes() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .minPeerPingInterval(Duration.ofMillis(500)).maxPingStrikes(0)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)))
                .listener(events).build());
        InetSocketAddress address = server.bind(Loopback.anyPort());
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            for (int i = 0; i < 20; i++) {
                peer.send(RawPeer.pong(i)); // unsolicited PONGs: harmless
            }
            peer.send(RawPeer.frame(RawPeer.DATA, new byte[]{1}));
            events.next(RecordingListener.Message.class);
            events.assertNoMore();
        }
        assertEquals(CloseReason.Kind.CLOSED_BY_PEER, events.next(RecordingListener.Close.class).reason().kind());
    }

    @Test
    @Timeout(30)
    void aSidePingingFasterThanItsPeerAcceptsSlowsDownInsteadOfBeingClosed() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .minPeerPingInterval(Duration.ofMillis(200)).maxPingStrikes(0)
                .heartbeat(HeartbeatPolicy.none()).listener(events).build());
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<byte[]> client = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofSeconds(1))).build());
        Connection<byte[]> c = client.connect(address);
        events.next(RecordingListener.Open.class);
        Await.until(Duration.ofSeconds(10), () -> c.rtt().samples() >= 5,
                () -> "the client kept pinging at the server's pace: " + c.rtt() + " " + c.state());
        assertNull(c.closeReason());
        events.assertNoMore();
    }
}
