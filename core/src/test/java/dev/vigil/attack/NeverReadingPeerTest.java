package dev.vigil.attack;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Limits;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11, holes 2 and 6: a peer that never reads must be timed out, and one that never reads but sends PONGs (a
 * "deaf member") must not freeze the connections that send to it.
 */
class NeverReadingPeerTest {

    @Test
    @Timeout(60)
    void anHonestClientIsServedWhileAPeerThatNeverReadsPinsItsOwnConnection() throws Exception {
        try (EchoServer server = EchoServer.binary();
             NeverReadingPeer deaf = NeverReadingPeer.start(server.address, "deaf", 1024, null);
             HonestClient honest = new HonestClient(server.address, MessageCodec.utf8())) {
            Duration worst = honest.worstRoundTrip(40, Duration.ofMillis(25));
            assertTrue(worst.compareTo(Duration.ofSeconds(2)) < 0, "worst honest round trip " + worst);
            assertTrue(deaf.bytesSent.get() > 0, "the peer sent");
        }
    }

    @Test
    @Timeout(30)
    void aPeerThatNeverReadsIsClosedWithinTheHeartbeatTimeoutThoughItKeepsSending() throws Exception {
        try (EchoServer server = EchoServer.binary();
             NeverReadingPeer deaf = NeverReadingPeer.start(server.address, "deaf", 1024, null)) {
            CloseReason reason = server.awaitClose(deaf, Duration.ofSeconds(5)); // timeout 1 s
            assertTrue(EnumSet.of(Kind.HEARTBEAT_TIMEOUT, Kind.SLOW_CONSUMER).contains(reason.kind()),
                    reason.toString());
        }
    }

    @Test
    @Timeout(60)
    void aDeafMemberThatSendsPongsDoesNotFreezeTheRoom() throws Exception {
        try (EchoServer room = EchoServer.room(Limits.defaults());
             NeverReadingPeer deaf = NeverReadingPeer.start(room.address, "deaf", 0, Duration.ofMillis(500));
             HonestClient ann = new HonestClient(room.address, MessageCodec.utf8());
             HonestClient bob = new HonestClient(room.address, MessageCodec.utf8())) {
            // ann talks, bob hears it through the room; each of ann's 8 KiB messages also goes to the deaf member:
            // 8 MiB in all, more than the kernel buffers between us and it, and its queue holds 64.
            Duration worst = new RoomTalk(ann, bob).worstRoundTrip(1_000, 8192, Duration.ofMillis(1));
            assertTrue(worst.compareTo(Duration.ofSeconds(2)) < 0, "the room went on: worst " + worst);
            assertTrue(deaf.bytesSent.get() > 0, "the deaf member sent");
        }
    }

    @Test
    @Timeout(30)
    void aDeafMemberThatSendsPongsIsClosedAsASlowConsumerAtTheWriteDeadline() throws Exception {
        Limits limits = Limits.builder().writeDeadline(Duration.ofSeconds(1)).build();
        try (EchoServer room = EchoServer.room(limits);
             NeverReadingPeer deaf = NeverReadingPeer.start(room.address, "deaf", 0, Duration.ofMillis(500));
             HonestClient ann = new HonestClient(room.address, MessageCodec.utf8());
             HonestClient bob = new HonestClient(room.address, MessageCodec.utf8())) {
            Duration worst = new RoomTalk(ann, bob).worstRoundTrip(1_000, 8192, Duration.ofMillis(1));
            CloseReason reason = room.awaitClose(deaf, Duration.ofSeconds(5));
            assertEquals(Kind.SLOW_CONSUMER, reason.kind(), reason.toString());
            assertTrue(worst.compareTo(Duration.ofSeconds(2)) < 0, "the room went on: worst " + worst);
        }
    }

    @Test
    @Timeout(30)
    void aPeerThatNeverReadsIsClosedAsASlowConsumerAtTheWriteDeadlineWhateverItSends() throws Exception {
        Limits limits = Limits.builder().writeDeadline(Duration.ofMillis(500)).build();
        // 1 MiB of requests per 100 ms: loopback's send buffer grows to megabytes, and the writes to the peer only
        // stop making progress once it is full; what the peer sends besides (PONGs, data) must not matter then.
        try (EchoServer server = EchoServer.binary(limits);
             NeverReadingPeer deaf = NeverReadingPeer.start(server.address, "deaf", 64 * 1024,
                     Duration.ofMillis(100))) {
            CloseReason reason = server.awaitClose(deaf, Duration.ofSeconds(3));
            assertEquals(Kind.SLOW_CONSUMER, reason.kind(), reason.toString());
            assertTrue(reason.message().contains("write deadline"), reason.message());
        }
    }
}
