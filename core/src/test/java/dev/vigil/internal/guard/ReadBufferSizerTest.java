package dev.vigil.internal.guard;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadBufferSizerTest {
    private static final int MIB = 1 << 20;
    private final ReadBufferSizer sizer = new ReadBufferSizer();

    @Test
    void aHeaderDeclaringAMegabyteWithOneByteOfPayloadCostsOneStepNotAMegabyte() {
        assertEquals(64 * 1024 + 6, sizer.capacityFor(512, 6, MIB + 5));
    }

    @Test
    void aFrameThatFitsLeavesTheBufferAsItIs() {
        assertEquals(512, sizer.capacityFor(512, 5, 300));
        assertEquals(512, sizer.capacityFor(512, 5, 512));
    }

    @Test
    void theBufferNeverShrinksAndNeverGrowsPastTheFrame() {
        assertEquals(200_000, sizer.capacityFor(200_000, 10, 300_000));
        assertEquals(70_000, sizer.capacityFor(512, 60_000, 70_000));
    }

    @Test
    void aOneMebibyteFrameGrowsEightTimesWithUnderThreeBytesCopiedPerByte() {
        grow(MIB, 8, 3.0);
    }

    @Test
    void aOneGibibyteFrameGrowsThirtyFourTimesWithUnderNineBytesCopiedPerByte() {
        grow(1L << 30, 34, 9.0);
    }

    /** Feeds a frame as fast as the buffer allows, checking the bound on memory at every step. */
    private void grow(long needed, int expectedGrows, double maxCopiedPerByte) {
        int capacity = 512;
        int grows = 0;
        long copied = 0;
        for (int buffered = 1; buffered < needed; ) {
            if (buffered >= capacity) {
                int next = sizer.capacityFor(capacity, buffered, needed);
                assertTrue(next > buffered, "room for at least one more byte");
                assertTrue(next <= Math.min(1.5 * buffered, buffered + ReadBufferSizer.DEFAULT_MAX_STEP)
                        + ReadBufferSizer.DEFAULT_MIN_STEP, "within the bound at " + buffered + ": " + next);
                copied += buffered;
                capacity = next;
                grows++;
            }
            buffered = capacity; // the peer fills what we gave it
        }
        assertEquals(needed, capacity);
        assertEquals(expectedGrows, grows);
        assertTrue(copied <= maxCopiedPerByte * needed, "bytes copied per byte: " + (double) copied / needed);
    }

    @Test
    void badStepsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReadBufferSizer(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new ReadBufferSizer(10, 5));
    }
}
