package dev.vigil.attack;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Limits;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11, hole 5: floods of tiny data frames, of PONGs and of lines. Each is throttled or closed per policy, and an
 * honest connection is served while they run.
 */
class FloodTest {
    /** The longest an honest echo may take while floods run: far above loopback, far below the report's 3.4 s. */
    private static final Duration HONEST_BOUND = Duration.ofSeconds(2);

    @Test
    @Timeout(60)
    void anHonestClientIsServedWhileADataFloodAndAPongFloodRun() throws Exception {
        try (EchoServer server = EchoServer.binary();
             Flooder data = Flooder.data(server.address, "data");
             Flooder pongs = Flooder.pongs(server.address, "pongs");
             HonestClient honest = new HonestClient(server.address, MessageCodec.utf8())) {
            Duration worst = honest.worstRoundTrip(40, Duration.ofMillis(25));
            assertTrue(worst.compareTo(HONEST_BOUND) < 0, "worst honest round trip " + worst);
            assertTrue(data.framesSent.get() > 10_000 || data.ended().isDone(), "the data flood ran");
            assertTrue(pongs.framesSent.get() > 10_000 || pongs.ended().isDone(), "the PONG flood ran");
        }
    }

    @Test
    @Timeout(60)
    void anHonestLineClientIsServedWhileALineFloodRuns() throws Exception {
        try (EchoServer server = EchoServer.lines();
             Flooder lines = Flooder.lines(server.address, "lines");
             HonestClient honest = new HonestClient(server.address, MessageCodec.lines())) {
            Duration worst = honest.worstRoundTrip(40, Duration.ofMillis(25));
            assertTrue(worst.compareTo(HONEST_BOUND) < 0, "worst honest round trip " + worst);
            assertTrue(lines.framesSent.get() > 10_000 || lines.ended().isDone(), "the line flood ran");
        }
    }

    @Test
    @Timeout(30)
    void aPongFloodIsClosedAsAControlFrameFloodUnderTheDefaultLimits() throws Exception {
        try (EchoServer server = EchoServer.binary();
             Flooder pongs = Flooder.pongs(server.address, "pongs")) {
            CloseReason reason = server.awaitClose(pongs, Duration.ofSeconds(5));
            assertEquals(Kind.POLICY_VIOLATION, reason.kind(), reason.toString());
            assertTrue(reason.message().startsWith("control-frame flood: peer sent"), reason.message());
            assertTrue(pongs.ended().get().how().startsWith("CLOSE 10 control-frame flood"),
                    "the peer is told why: " + pongs.ended().get());
        }
    }

    @Test
    @Timeout(30)
    void aDataFloodOverTheMessageRateIsClosedUnderTheCloseAction() throws Exception {
        Limits limits = Limits.builder().messageRate(Limits.Rate.of(1_000, 1_000))
                .rateAction(Limits.RateAction.CLOSE).build();
        try (EchoServer server = EchoServer.binary(limits);
             Flooder data = Flooder.data(server.address, "data");
             HonestClient honest = new HonestClient(server.address, MessageCodec.utf8())) {
            CloseReason reason = server.awaitClose(data, Duration.ofSeconds(5));
            assertEquals(Kind.POLICY_VIOLATION, reason.kind(), reason.toString());
            assertTrue(reason.message().contains("over the limit of 1,000 per second"), reason.message());
            Duration worst = honest.worstRoundTrip(20, Duration.ofMillis(10)); // 100/s: within its rate
            assertTrue(worst.compareTo(HONEST_BOUND) < 0, "worst honest round trip " + worst);
        }
    }

    @Test
    @Timeout(30)
    void aDataFloodOverTheMessageRateIsThrottledToItUnderTheThrottleAction() throws Exception {
        Limits limits = Limits.builder().messageRate(Limits.Rate.of(1_000, 1_000)).build();
        try (EchoServer server = EchoServer.binary(limits);
             Flooder data = Flooder.data(server.address, "data");
             HonestClient honest = new HonestClient(server.address, MessageCodec.utf8())) {
            Duration worst = honest.worstRoundTrip(60, Duration.ofMillis(50)); // 3 s of flood
            long read = server.messagesFrom(data);
            long seconds = Math.max(1, data.after().toSeconds() + 1);
            assertTrue(read <= 1_000 + 1_000 * seconds, read + " messages read in about " + seconds + " s");
            assertFalse(data.ended().isDone(), "throttled, not closed: " + data.ended().getNow(null));
            assertTrue(worst.compareTo(HONEST_BOUND) < 0, "worst honest round trip " + worst);
        }
    }

    @Test
    @Timeout(30)
    void aLineFloodOverTheMessageRateIsClosedUnderTheCloseAction() throws Exception {
        Limits limits = Limits.builder().messageRate(Limits.Rate.of(1_000, 1_000))
                .rateAction(Limits.RateAction.CLOSE).build();
        try (EchoServer server = EchoServer.lines(limits);
             Flooder lines = Flooder.lines(server.address, "lines")) {
            CloseReason reason = server.awaitClose(lines, Duration.ofSeconds(5));
            assertEquals(Kind.POLICY_VIOLATION, reason.kind(), reason.toString());
        }
    }
}
