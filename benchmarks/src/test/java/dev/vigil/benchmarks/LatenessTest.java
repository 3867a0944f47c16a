package dev.vigil.benchmarks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatenessTest {
    private static final long MS = 1_000_000;

    @Test
    void percentilesAreTheUpperEdgesOfMillisecondBuckets() {
        Lateness l = new Lateness();
        for (int i = 0; i < 98; i++) {
            l.record(200_000); // 0.2 ms late
        }
        l.record(-5 * MS); // early counts as on time
        l.record(1234 * MS + 1);
        long[] counts = Lateness.decode(l.encode());

        assertEquals(100, Lateness.total(counts));
        assertEquals(1, Lateness.percentileMillis(counts, 50));
        assertEquals(1, Lateness.percentileMillis(counts, 99));
        assertEquals(1235, Lateness.percentileMillis(counts, 100));
    }

    @Test
    void histogramsOfSeveralProcessesAddUp() {
        Lateness a = new Lateness();
        Lateness b = new Lateness();
        a.record(3 * MS);
        b.record(3 * MS);
        b.record(20_000 * MS); // beyond the last bucket: kept in it
        long[] sum = Lateness.decode(a.encode());
        Lateness.add(sum, Lateness.decode(b.encode()));

        assertEquals(3, Lateness.total(sum));
        assertEquals(4, Lateness.percentileMillis(sum, 50));
        assertEquals(Lateness.MAX_MILLIS + 1, Lateness.percentileMillis(sum, 100));
    }

    @Test
    void aResetForgetsAndAnEmptyHistogramHasNoPercentile() {
        Lateness l = new Lateness();
        l.record(7 * MS);
        l.reset();
        assertEquals("", l.encode());
        assertEquals(-1, Lateness.percentileMillis(Lateness.decode(l.encode()), 99));
    }
}
