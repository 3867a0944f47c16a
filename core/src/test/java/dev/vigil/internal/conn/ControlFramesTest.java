package dev.vigil.internal.conn;

import dev.vigil.internal.wire.BinaryFraming;
import dev.vigil.internal.wire.OutBuffer;
import dev.vigil.internal.wire.Wire;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The control frames owed: PONGs in the order their PINGs came, however many, then our PING. */
class ControlFramesTest {
    private final ControlFrames control = new ControlFrames(new BinaryFraming(1 << 20), () -> 42L, new Pings(0));

    @Test
    void pongsGoOutInTheOrderTheirPingsCameAheadOfOurPing() {
        for (long nonce = 1; nonce <= 5; nonce++) {
            control.pong(nonce);
        }
        control.ping();
        OutBuffer out = new OutBuffer();
        assertEquals(6, control.encode(out, 0));
        assertEquals(List.of("PONG 1", "PONG 2", "PONG 3", "PONG 4", "PONG 5", "PING 42"), frames(out));
        assertFalse(control.owed());
    }

    @Test
    void aSinglePongAfterSeveralIsItsOwnNonceOnly() {
        control.pong(7);
        control.pong(8);
        control.encode(new OutBuffer(), 0);
        control.pong(9);
        OutBuffer out = new OutBuffer();
        assertEquals(1, control.encode(out, 0));
        assertEquals(List.of("PONG 9"), frames(out));
    }

    private static List<String> frames(OutBuffer out) {
        ByteBuffer b = ByteBuffer.wrap(out.buf, 0, out.size);
        List<String> frames = new ArrayList<>();
        while (b.hasRemaining()) {
            int length = b.getInt();
            byte type = b.get();
            assertEquals(8, length, "a PING or PONG carries 8 bytes");
            frames.add((type == Wire.PING ? "PING " : type == Wire.PONG ? "PONG " : "type " + type + " ") + b.getLong());
        }
        return frames;
    }
}
