package dev.vigil.internal.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read buffer's sizes: small when idle, grown by full reads, shrunk after small ones. */
class InboundBufferTest {

    @Test
    void anIdleBufferHolds64BytesGrowsWhenReadsFillItAndShrinksBackTo512AfterSmallReads() {
        InboundBuffer in = new InboundBuffer(1 << 20);
        in.allocate();
        assertEquals(64, in.array().length);
        for (int i = 0; i < 8; i++) {
            in.prepareRead();
            int space = in.writable();
            in.wrote(space, space); // a full read
            in.pos = in.limit;      // all of it decoded
            in.rewindIfEmpty();
        }
        assertTrue(in.array().length >= 4 * InboundBuffer.MIN_SIZE, "grown: " + in.array().length);
        for (int i = 0; i < 64; i++) {
            in.prepareRead();
            in.wrote(1, in.writable());
            in.pos = in.limit;
            in.rewindIfEmpty();
        }
        assertEquals(512, in.array().length, "back to the smallest a busy buffer keeps, not below");
        in.release();
        assertEquals(0, in.array().length);
    }
}
