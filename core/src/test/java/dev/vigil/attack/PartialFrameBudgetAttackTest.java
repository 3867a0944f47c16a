package dev.vigil.attack;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Limits;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11, hole 3, the budget itself: partial frames of all connections together past
 * {@code Limits.partialFrameBudget} close the connection holding the most, and the server goes on serving.
 */
class PartialFrameBudgetAttackTest {

    @Test
    @Timeout(30)
    void pastThePartialFrameBudgetTheConnectionHoldingTheMostIsClosedAndAnHonestClientIsServed() throws Exception {
        Limits limits = Limits.builder().partialFrameBudget(65_536).build();
        try (EchoServer server = new EchoServer(MessageCodec.utf8(), false,
                b -> b.maxFrameSize(60_000).limits(limits));
             AttackPeer small = new AttackPeer(server.address, "small", 0).handshake();
             AttackPeer large = new AttackPeer(server.address, "large", 0).handshake()) {
            small.discardFrames();
            large.discardFrames();
            small.send(AttackWire.header(50_000, AttackWire.DATA));
            small.send(new byte[20_000]);
            large.send(AttackWire.header(50_000, AttackWire.DATA));
            large.send(new byte[49_999]); // 70,009 bytes of frames still arriving in all, over 65,536
            CloseReason reason = server.awaitClose(large, Duration.ofSeconds(3));
            assertEquals(Kind.POLICY_VIOLATION, reason.kind(), reason.toString());
            assertTrue(reason.message().startsWith("out of memory for partial frames: "), reason.message());
            assertTrue(reason.message().contains("this connection held one of the largest"), reason.message());
            try (HonestClient honest = new HonestClient(server.address, MessageCodec.utf8())) {
                Duration worst = honest.worstRoundTrip(5, Duration.ZERO);
                assertTrue(worst.compareTo(Duration.ofSeconds(1)) < 0, "worst honest round trip " + worst);
            }
        }
    }
}
