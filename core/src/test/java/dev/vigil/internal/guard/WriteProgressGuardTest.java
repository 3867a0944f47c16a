package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class WriteProgressGuardTest {
    private static final long DEADLINE = 30_000_000_000L;
    private final FakeClock clock = new FakeClock();
    private final WriteProgressGuard guard = new WriteProgressGuard(DEADLINE);

    @Test
    void aConnectionWithNothingToWriteNeverStalls() {
        for (int i = 0; i < 100; i++) {
            assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(60_000), 1_000, 0));
        }
    }

    @Test
    void writesThatMakeNoProgressForTheDeadlineCloseAsSlowConsumerAndNeverEarlier() {
        assertSame(Verdict.CONTINUE, guard.check(clock.now(), 4_096, 65_536)); // 4 KiB written since last time
        assertSame(Verdict.CONTINUE, guard.check(clock.now(), 4_096, 65_536)); // first sight of the stall
        long stalledAt = clock.now();
        assertEquals(stalledAt + DEADLINE, guard.nextCheck(clock.now()));
        assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(29_999), 4_096, 65_536));
        Verdict v = guard.check(clock.advanceMillis(1), 4_096, 1_048_576);
        CloseReason reason = assertInstanceOf(Verdict.Close.class, v).reason();
        assertEquals(CloseReason.Kind.SLOW_CONSUMER, reason.kind());
        assertEquals("peer read nothing for 30s (write deadline 30s); 1.0 MiB waiting to be written, 4.0 KiB written "
                + "before it stopped reading", reason.message());
    }

    @Test
    void anyProgressStartsTheDeadlineOver() {
        long written = 0;
        for (int i = 0; i < 100; i++) { // a slow reader: one byte every 20 s
            assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(20_000), written, 1 << 20));
            written++;
        }
    }

    @Test
    void whileNotStalledItAsksToBeCheckedEveryEighthOfTheDeadline() {
        assertEquals(clock.now() + DEADLINE / 8, guard.nextCheck(clock.now()));
    }

    @Test
    void aQueueThatEmptiesEndsTheStall() {
        guard.check(clock.now(), 0, 10);
        guard.check(clock.advanceMillis(29_000), 0, 10);
        guard.check(clock.advanceMillis(500), 0, 0);
        assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(500), 0, 10));
        assertSame(Verdict.CONTINUE, guard.check(clock.advanceMillis(29_999), 0, 10));
        assertInstanceOf(Verdict.Close.class, guard.check(clock.advanceMillis(1), 0, 10));
    }
}
