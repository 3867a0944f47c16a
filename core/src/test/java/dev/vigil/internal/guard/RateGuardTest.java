package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.Limits;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateGuardTest {
    private final FakeClock clock = new FakeClock();

    private RateGuard guard(Limits.Builder b) {
        return new RateGuard(b.build(), clock.now());
    }

    @Test
    void dataRatesAreOffByDefaultAndAFloodPassesUntouched() {
        RateGuard g = guard(Limits.builder());
        assertFalse(g.enabled());
        for (int i = 0; i < 1_000_000; i++) {
            assertSame(Verdict.CONTINUE, g.onData(1 << 20, clock.now()));
        }
    }

    @Test
    void aPeerSendingAtTheRateIsNeverThrottled() {
        RateGuard g = guard(Limits.builder().messageRate(Limits.Rate.of(100, 5)));
        assertTrue(g.enabled());
        for (int i = 0; i < 10_000; i++) {
            assertSame(Verdict.CONTINUE, g.onData(20, clock.advanceMillis(10)), "message " + i);
        }
    }

    @Test
    void overTheMessageRateThrottleStopsReadingUntilTheBucketIsOutOfDebt() {
        RateGuard g = guard(Limits.builder().messageRate(Limits.Rate.of(100, 10)));
        for (int i = 0; i < 10; i++) {
            assertSame(Verdict.CONTINUE, g.onData(20, clock.now()));
        }
        Verdict v = g.onData(20, clock.now());
        assertEquals(new Verdict.Pause(clock.now() + 10_000_000L), v);
        clock.advanceMillis(10);
        assertEquals(new Verdict.Pause(clock.now() + 10_000_000L), g.onData(20, clock.now()),
                "after the pause the bucket is empty, not full: the next message waits its turn");
    }

    @Test
    void overTheByteRateThePauseIsAsLongAsTheBytesTakeAtTheRate() {
        RateGuard g = guard(Limits.builder().byteRate(Limits.Rate.of(1_000_000, 1_000_000)));
        assertSame(Verdict.CONTINUE, g.onData(1_000_000, clock.now()));
        assertEquals(new Verdict.Pause(clock.now() + 500_000_000L), g.onData(500_000, clock.now()));
    }

    @Test
    void underTheCloseActionAFloodIsAPolicyViolationWithItsNumbers() {
        RateGuard g = guard(Limits.builder().messageRate(Limits.Rate.of(1_000, 1_000))
                .rateAction(Limits.RateAction.CLOSE));
        Verdict v = Verdict.CONTINUE;
        int sent = 0;
        while (v == Verdict.CONTINUE) {
            v = g.onData(10, clock.advance(java.time.Duration.ofNanos(50_000))); // 20,000 a second
            sent++;
        }
        CloseReason reason = assertInstanceOf(Verdict.Close.class, v).reason();
        assertEquals(CloseReason.Kind.POLICY_VIOLATION, reason.kind());
        assertEquals(1_053, sent, "1,000 of burst plus what refilled at 1,000/s over 52.6 ms");
        assertEquals("peer sent 1,053 messages in 52ms, over the limit of 1,000 per second (burst 1,000)",
                reason.message());
    }

    @Test
    void underTheCloseActionTheByteRateNamesBytes() {
        RateGuard g = guard(Limits.builder().messageRate(Limits.Rate.of(1_000, 1_000))
                .byteRate(Limits.Rate.of(10_000, 10_000)).rateAction(Limits.RateAction.CLOSE));
        assertSame(Verdict.CONTINUE, g.onData(9_000, clock.now()));
        Verdict v = g.onData(9_000, clock.now());
        assertTrue(assertInstanceOf(Verdict.Close.class, v).reason().message()
                .startsWith("peer sent 18,000 bytes in 0µs, over the limit of 10,000 per second"), v.toString());
    }
}
