package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameProgressGuardTest {
    private static final long WINDOW = 10_000_000_000L;
    private final FakeClock clock = new FakeClock();
    /** The defaults: 10 s windows, 256 bytes/s, so 2,560 bytes per window. */
    private final FrameProgressGuard guard = new FrameProgressGuard(WINDOW, 256);

    @Test
    void aFrameThatCompletesWithinTheDeadlineIsNeverJudgedHoweverSlowly() {
        for (int i = 1; i <= 9; i++) { // a byte a second
            assertSame(Verdict.CONTINUE, guard.afterRead(clock.advanceMillis(1_000), i, 0));
        }
        assertSame(Verdict.CONTINUE, guard.afterRead(clock.advanceMillis(900), 0, 1));
        assertFalse(guard.inFrame());
        assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(60_000)));
        assertEquals(Long.MAX_VALUE, guard.nextCheck());
    }

    @Test
    void aFrameDripFedAByteEveryHalfSecondIsClosedAtTheEndOfItsFirstWindow() {
        long start = clock.now();
        long bytes = 0;
        for (int i = 0; i < 19; i++) {
            assertSame(Verdict.CONTINUE, guard.afterRead(clock.now(), ++bytes, 0));
            clock.advanceMillis(500);
        }
        assertEquals(start + WINDOW, guard.nextCheck());
        clock.advanceMillis(499);
        assertSame(Verdict.CONTINUE, guard.check(clock.now()), "9.999 s: not yet");
        Verdict v = guard.check(clock.advanceMillis(1));
        CloseReason reason = assertInstanceOf(Verdict.Close.class, v).reason();
        assertEquals(CloseReason.Kind.POLICY_VIOLATION, reason.kind());
        assertEquals("a frame has been arriving for 10s and the last 10s brought 19 bytes of it, below the minimum "
                + "data rate of 256 bytes/s (19 bytes of the frame arrived in all)", reason.message());
        assertSame(v.getClass(), guard.afterRead(clock.now(), 20, 0).getClass(), "the verdict stays");
    }

    @Test
    void aLargeFrameOnASlowButHonestLinkIsNeverClosed() {
        long bytes = 0;
        for (int s = 0; s < 3_600; s++) { // an hour at 300 bytes/s: a 1 MiB frame
            bytes += 300;
            assertSame(Verdict.CONTINUE, guard.afterRead(clock.advanceMillis(1_000), bytes, 0), "second " + s);
            assertSame(Verdict.CONTINUE, guard.check(clock.now()));
        }
        assertTrue(guard.inFrame());
    }

    @Test
    void aFrameThatStallsAfterAGoodStartIsClosedAtTheEndOfTheWindowThatFellShort() {
        long start = clock.now();
        assertSame(Verdict.CONTINUE, guard.afterRead(start, 100_000, 0));
        assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(19_999)), "the first window brought plenty");
        assertEquals(start + 2 * WINDOW, guard.nextCheck());
        Verdict v = guard.check(clock.advanceMillis(1));
        assertEquals("a frame has been arriving for 20s and the last 10s brought 0 bytes of it, below the minimum "
                + "data rate of 256 bytes/s (97.7 KiB of the frame arrived in all)",
                assertInstanceOf(Verdict.Close.class, v).reason().message());
    }

    @Test
    void bytesThatArriveAfterAWindowEndedDoNotRescueIt() {
        guard.afterRead(clock.now(), 10, 0);
        clock.advanceMillis(10_500); // no timer check ran in time; the reader is the first to look
        assertInstanceOf(Verdict.Close.class, guard.afterRead(clock.now(), 1_000_000, 0));
    }

    @Test
    void aNewFrameStartsItsOwnWindowWhenTheReadThatCompletedTheLastOneLeavesPartOfIt() {
        guard.afterRead(clock.now(), 10, 0);
        clock.advanceMillis(9_000);
        assertSame(Verdict.CONTINUE, guard.afterRead(clock.now(), 5, 1), "completed one, started the next");
        assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(9_999)));
        assertInstanceOf(Verdict.Close.class, guard.check(clock.advanceMillis(1)));
    }

    @Test
    void withNoMinimumRateEveryFrameMustCompleteWithinOneWindow() {
        FrameProgressGuard strict = new FrameProgressGuard(WINDOW, 0);
        strict.afterRead(clock.now(), 1_000_000, 0);
        assertSame(Verdict.CONTINUE, strict.check(clock.advanceMillis(9_999)));
        assertEquals("a frame did not complete within 10s (976.6 KiB of it arrived)",
                assertInstanceOf(Verdict.Close.class, strict.check(clock.advanceMillis(1))).reason().message());
    }

    @Test
    void anIdleConnectionBetweenFramesIsNeverJudged() {
        assertSame(Verdict.CONTINUE, guard.afterRead(clock.now(), 0, 3));
        assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(3_600_000)));
    }
}
