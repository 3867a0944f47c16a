package dev.vigil;

import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a peer announces in its HELLO may slow our PINGs, never lengthen our timeout: a raw-socket peer announcing a
 * huge minimum PING interval, then silence, must not switch off our dead-peer detection (issue 11, item 1).
 */
@Timeout(20)
class AnnouncedMinimumPingTest {
    private static final byte OPT_MIN_PING_MS = 3;

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

    /** A version-1 HELLO whose only option is the shortest PING interval the peer accepts. */
    private static byte[] helloWithMinPing(long millis) {
        return ByteBuffer.allocate(14).put(new byte[]{'V', 'I', 'G', 'L', 1, 0, 0, 6})
                .put(OPT_MIN_PING_MS).put((byte) 4).putInt((int) millis).array();
    }

    private InetSocketAddress server(HeartbeatPolicy policy, RecordingListener<byte[]> events) throws IOException {
        return closeLater(ConnectionManager.builder(MessageCodec.bytes()).heartbeat(policy).listener(events).build())
                .bind(Loopback.anyPort());
    }

    @Test
    void aHelloWhoseMinimumLeavesNoRoomToPingWithinOurTimeoutIsRefusedWithBothNumbers() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        InetSocketAddress address = server(HeartbeatPolicy.fixed(Duration.ofMillis(200), Duration.ofSeconds(1)),
                events);
        try (RawPeer peer = new RawPeer(address)) {
            peer.send(helloWithMinPing(TimeUnit.MINUTES.toMillis(1)));
            peer.readHello();
            RawPeer.Frame close = peer.readUntilClose(); // today's main: no CLOSE, the connection stays open
            assertEquals(CloseReason.Kind.POLICY_VIOLATION.code(), close.closeCode());
            assertEquals("peer accepts a PING at most every 60s, which leaves no room to PING within our heartbeat "
                    + "timeout of 1.0s (a PING must be allowed after 600ms of silence)", close.closeText());
            assertTrue(peer.sawEndOfStream(), "the server closed the connection");
        }
        events.assertNoMore(); // refused in the handshake: the connection never opened
    }

    @Test
    void aMinimumWithinOurTimeoutSlowsOurPingsButASilentPeerIsStillDeadAtOurOwnTimeout() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        InetSocketAddress address = server(HeartbeatPolicy.fixed(Duration.ofMillis(100), Duration.ofSeconds(1)),
                events);
        try (RawPeer peer = new RawPeer(address)) {
            long helloAt = System.nanoTime();
            peer.send(helloWithMinPing(500));
            peer.readHello();
            events.next(RecordingListener.Open.class);
            RawPeer.Frame ping = peer.read();
            long pingAfter = System.nanoTime() - helloAt;
            assertEquals(RawPeer.PING, ping.type());
            assertTrue(pingAfter >= TimeUnit.MILLISECONDS.toNanos(500), "the first PING came after "
                    + Duration.ofNanos(pingAfter) + ", sooner than the peer accepts");
            // Silence: the PING is never answered.
            assertEquals(ConnectionState.SUSPECT, events.next(RecordingListener.StateChange.class).to());
            CloseReason reason = events.next(RecordingListener.Close.class).reason();
            assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, reason.kind(), reason.toString());
            HeartbeatTimeoutException timeout = assertInstanceOf(HeartbeatTimeoutException.class, reason.cause());
            // Our own timeout, not stretched to the peer's minimum plus the 900 ms our policy gives an answer.
            assertEquals(Duration.ofSeconds(1), timeout.timeout());
            assertTrue(timeout.silence().minus(timeout.localStall()).compareTo(Duration.ofSeconds(1)) >= 0,
                    timeout.silence() + " of silence, " + timeout.localStall() + " of it our own stall");
            assertTrue(reason.message().contains("(timeout 1.0s)"), reason.message());
        }
        events.assertNoMore();
    }
}
