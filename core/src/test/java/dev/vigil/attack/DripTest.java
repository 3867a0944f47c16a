package dev.vigil.attack;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Limits;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11, holes 3 and 4: dripping bytes must not keep a connection open ("life is a complete frame"), and a frame
 * that has started must complete or keep a minimum data rate.
 */
class DripTest {

    @Test
    @Timeout(60)
    void anHonestClientIsServedWhileFiftyPeersDripBytes() throws Exception {
        List<DripPeer> drippers = new ArrayList<>();
        try (EchoServer server = EchoServer.binary();
             HonestClient honest = new HonestClient(server.address, MessageCodec.utf8())) {
            for (int i = 0; i < 25; i++) {
                drippers.add(DripPeer.dripFrames(server.address, "frames-" + i, Duration.ofMillis(100)));
                drippers.add(DripPeer.declareAndDrip(server.address, "declare-" + i, 64 * 1024,
                        Duration.ofMillis(100)));
            }
            Duration worst = honest.worstRoundTrip(40, Duration.ofMillis(25));
            assertTrue(worst.compareTo(Duration.ofSeconds(2)) < 0, "worst honest round trip " + worst);
        } finally {
            for (DripPeer d : drippers) {
                d.close();
            }
        }
    }

    @Test
    @Timeout(30)
    void bytesDripFedAfterTheHandshakeAreSilenceAndTheConnectionTimesOut() throws Exception {
        try (EchoServer server = EchoServer.binary();
             DripPeer drip = DripPeer.dripFrames(server.address, "drip", Duration.ofMillis(500))) {
            CloseReason reason = server.awaitClose(drip, Duration.ofSeconds(5)); // timeout 1 s
            assertEquals(Kind.HEARTBEAT_TIMEOUT, reason.kind(), reason.toString());
        }
    }

    @Test
    @Timeout(30)
    void aLineThenACharacterEvery300msIsSilenceAndTheLineConnectionTimesOut() throws Exception {
        try (EchoServer server = EchoServer.lines();
             DripPeer drip = DripPeer.lineThenDrip(server.address, "line-drip", Duration.ofMillis(300))) {
            CloseReason reason = server.awaitClose(drip, Duration.ofSeconds(5));
            assertTrue(EnumSet.of(Kind.HEARTBEAT_TIMEOUT, Kind.POLICY_VIOLATION).contains(reason.kind()),
                    reason.toString());
        }
    }

    @Test
    @Timeout(30)
    void aLargeDeclaredFrameDripFedIsSilenceAndTheConnectionTimesOut() throws Exception {
        try (EchoServer server = EchoServer.binary();
             DripPeer drip = DripPeer.declareAndDrip(server.address, "declare", 1 << 20, Duration.ofMillis(500))) {
            CloseReason reason = server.awaitClose(drip, Duration.ofSeconds(5));
            assertEquals(Kind.HEARTBEAT_TIMEOUT, reason.kind(), reason.toString());
        }
    }

    @Test
    @Timeout(30)
    void aFrameArrivingBelowTheMinimumDataRateIsClosedAtTheFrameDeadline() throws Exception {
        // Dripping at 20 bytes/s keeps the peer above a "complete frame" now and then only if frames are tiny; a
        // 1 KiB frame at 20 bytes/s takes 51 s, so only the frame deadline can stop it before its heartbeat does.
        Limits limits = Limits.builder().frameDeadline(Duration.ofMillis(500)).minFrameDataRate(256).build();
        try (EchoServer server = EchoServer.binary(limits);
             DripPeer drip = DripPeer.dripFrames(server.address, "drip", Duration.ofMillis(50))) {
            CloseReason reason = server.awaitClose(drip, Duration.ofSeconds(3));
            assertEquals(Kind.POLICY_VIOLATION, reason.kind(), reason.toString());
            assertTrue(reason.message().contains("below the minimum data rate of 256 bytes/s"), reason.message());
        }
    }
}
