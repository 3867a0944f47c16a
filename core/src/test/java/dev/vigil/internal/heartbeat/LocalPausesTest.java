package dev.vigil.internal.heartbeat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalPausesTest {
    private static final long MS = 1_000_000L;

    private final LocalPauses pauses = new LocalPauses();

    @Test
    void onlyThePartOfAStallInsideTheIntervalCounts() {
        pauses.record(100 * MS, 300 * MS);
        pauses.record(500 * MS, 600 * MS);
        assertEquals(300 * MS, pauses.stalledWithin(0, 1000 * MS));
        assertEquals(150 * MS + 50 * MS, pauses.stalledWithin(150 * MS, 550 * MS));
        assertEquals(0, pauses.stalledWithin(300 * MS, 500 * MS), "between the stalls");
        assertEquals(0, pauses.stalledWithin(700 * MS, 900 * MS), "after them");
        assertEquals(0, pauses.stalledWithin(600 * MS, 100 * MS), "an empty interval");
    }

    @Test
    void aStallOverlappingTheLastOneExtendsItInsteadOfCountingTwice() {
        pauses.record(100 * MS, 300 * MS);
        pauses.record(200 * MS, 400 * MS);
        pauses.record(400 * MS, 450 * MS);
        assertEquals(350 * MS, pauses.stalledWithin(0, 1000 * MS));
        assertEquals(350 * MS, pauses.totalNanos());
        assertEquals(1, pauses.count());
        assertEquals(350 * MS, pauses.longestNanos());
    }

    @Test
    void onlyTheLastStallsAreRememberedSoTheLedgerStaysSmall() {
        for (int i = 0; i < LocalPauses.CAPACITY + 10; i++) {
            pauses.record(i * 100 * MS, (i * 100 + 10) * MS);
        }
        assertEquals((LocalPauses.CAPACITY + 10) * 10 * MS, pauses.totalNanos());
        assertEquals(LocalPauses.CAPACITY * 10 * MS, pauses.stalledWithin(0, Long.MAX_VALUE / 2));
        assertEquals(0, pauses.stalledWithin(0, 900 * MS), "the oldest are forgotten");
    }

    @Test
    void timesNearTheEndOfTheNanoTimeRangeStillWork() {
        long base = Long.MAX_VALUE - 50 * MS;
        pauses.record(base, base + 100 * MS); // wraps around, as System.nanoTime may
        assertEquals(100 * MS, pauses.stalledWithin(base - 10 * MS, base + 200 * MS));
        assertEquals(40 * MS, pauses.stalledWithin(base + 60 * MS, base + 300 * MS));
    }
}
