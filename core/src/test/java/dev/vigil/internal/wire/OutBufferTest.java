package dev.vigil.internal.wire;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The write buffer between writes: kept by a connection that writes often, given back by one that heartbeats. */
class OutBufferTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SPARSE_AFTER = 500 * MS;

    @Test
    void writesCloserThanTheSparseIntervalKeepOneArray() {
        OutBuffer out = new OutBuffer();
        out.write(new byte[69], 0, 69);
        byte[] array = out.buf;
        long last = 0;
        for (int i = 1; i <= 1000; i++) {
            long now = i * MS;
            out.written(now, last, SPARSE_AFTER);
            last = now;
            assertEquals(0, out.size);
            out.write(new byte[69], 0, 69);
            assertSame(array, out.buf, "write " + i + " allocated a new array");
        }
    }

    @Test
    void aWriteLongAfterTheOneBeforeGivesItsArrayBack() {
        OutBuffer out = new OutBuffer();
        out.write(new byte[13], 0, 13); // a PING
        out.written(1_000 * MS, 50 * MS, SPARSE_AFTER);
        assertEquals(0, out.buf.length, "a heartbeat-only connection holds no array until its next write");
        assertEquals(0, out.size);

        out.write(new byte[13], 0, 13);
        out.written(1_499 * MS, 1_000 * MS, SPARSE_AFTER);
        assertEquals(256, out.buf.length, "499 ms after the one before: kept");
    }
}
