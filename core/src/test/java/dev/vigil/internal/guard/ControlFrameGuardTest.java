package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.Limits;
import dev.vigil.internal.guard.ControlFrameGuard.Type;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class ControlFrameGuardTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void aFloodOfPongsIsAFloodAndIsClosedWithThePolicyViolationAndTheMix() {
        ControlFrameGuard g = new ControlFrameGuard(Limits.defaults(), clock.now());
        for (int i = 0; i < 1_000; i++) {
            assertSame(Verdict.CONTINUE, g.onControl(i < 3 ? Type.PING : Type.PONG, clock.now()), "frame " + i);
        }
        Verdict v = g.onControl(Type.PONG, clock.now());
        CloseReason reason = assertInstanceOf(Verdict.Close.class, v).reason();
        assertEquals(CloseReason.Kind.POLICY_VIOLATION, reason.kind());
        assertEquals("control-frame flood: peer sent 1,001 control frames in 0µs, over the limit of 1,000 per second"
                + " (burst 1,000) (3 PING, 998 PONG)", reason.message());
    }

    @Test
    void anHonestPeerPingingAtTheFastestAllowedIntervalAndAnsweringOurPingsIsNeverClosed() {
        ControlFrameGuard g = new ControlFrameGuard(Limits.defaults(), clock.now());
        for (int ms = 1; ms <= 120_000; ms++) {
            clock.advanceMillis(1);
            if (ms % 10 == 0) { // its PING every 10 ms, the default minPeerPingInterval
                assertSame(Verdict.CONTINUE, g.onControl(Type.PING, clock.now()));
            }
            if (ms % 100 == 0) { // its PONG to ours, and an unsolicited one
                assertSame(Verdict.CONTINUE, g.onControl(Type.PONG, clock.now()));
                assertSame(Verdict.CONTINUE, g.onControl(Type.PONG, clock.now()));
            }
        }
        assertSame(Verdict.CONTINUE, g.onControl(Type.CLOSE, clock.now()));
    }

    @Test
    void theMixCountsOnlyTheFramesSinceTheBucketWasLastFull() {
        ControlFrameGuard g = new ControlFrameGuard(Limits.builder().controlFrameRate(Limits.Rate.of(10, 10)).build(),
                clock.now());
        for (int i = 0; i < 10; i++) {
            g.onControl(Type.PING, clock.now());
        }
        clock.advanceMillis(5_000); // full again: those PINGs are forgiven
        for (int i = 0; i < 10; i++) {
            assertSame(Verdict.CONTINUE, g.onControl(Type.PONG, clock.now()));
        }
        Verdict v = g.onControl(Type.CLOSE, clock.now());
        assertEquals("control-frame flood: peer sent 11 control frames in 0µs, over the limit of 10 per second"
                + " (burst 10) (10 PONG, 1 CLOSE)", assertInstanceOf(Verdict.Close.class, v).reason().message());
    }

    @Test
    void turnedOffItCountsNothing() {
        ControlFrameGuard g = new ControlFrameGuard(Limits.builder().controlFrameRate(Limits.Rate.OFF).build(),
                clock.now());
        for (int i = 0; i < 100_000; i++) {
            assertSame(Verdict.CONTINUE, g.onControl(Type.PONG, clock.now()));
        }
    }
}
