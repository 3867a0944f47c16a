package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The line framing's decoder and encoder, without a connection. */
class LineFramingTest {
    private final LineFraming framing = new LineFraming(16);
    private final InboundBuffer in = new InboundBuffer(16);
    private final List<String> seen = new ArrayList<>();
    private final FrameHandler recorder = new FrameHandler() {
        @Override
        public void onData(byte[] b, int off, int len) {
            seen.add("line " + new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void onPing(long nonce) {
            seen.add("PING");
        }

        @Override
        public void onPong(long nonce, boolean echoed) {
            seen.add("PONG echoed=" + echoed);
        }

        @Override
        public void onClose(int code, String text) {
            seen.add("CLOSE " + code + " [" + text + "]");
        }
    };

    private void feed(String text) throws Fatal {
        in.allocate();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int off = 0;
        while (off < bytes.length) {
            in.prepareRead();
            int space = in.writable();
            int n = Math.min(space, bytes.length - off);
            System.arraycopy(bytes, off, in.array(), in.writeIndex(), n);
            in.wrote(n, space);
            off += n;
            framing.decode(in, recorder);
        }
    }

    @Test
    void linesPingAndPongAreToldApartAndACarriageReturnIsDropped() throws Fatal {
        feed("hello\r\nPING\nPONG\nPINGS\n");
        assertEquals(List.of("line hello", "PING", "PONG echoed=false", "line PINGS"), seen);
    }

    @Test
    void aCloseLineIsThePeersCloseAndAnythingLikeItButNotItIsALine() throws Fatal {
        feed("CLOSE 10 flood\nCLOSE 3\nCLOSE\nCLOSE x\nCLOSE 010 a\nCLOSE 70000\nCLOSE 1x\n");
        assertEquals(List.of("CLOSE 10 [flood]", "CLOSE 3 []", "line CLOSE", "line CLOSE x", "line CLOSE 010 a",
                "line CLOSE 70000", "line CLOSE 1x"), seen);
    }

    @Test
    void aLineOfTheMaximumWhoseLineBreakArrivesSplitAfterItsCarriageReturnIsNotTooLong() throws Fatal {
        feed("0123456789abcdef\r"); // 16 bytes, the maximum, and the \r: the \n may still come
        feed("\n");
        assertEquals(List.of("line 0123456789abcdef"), seen);
    }

    @Test
    void aLineOfTheMaximumAndOneMoreByteIsTooLongEvenBeforeItsEnd() {
        Fatal fatal = assertThrows(Fatal.class, () -> feed("0123456789abcdef\rx"));
        assertEquals(Kind.FRAME_TOO_LARGE, fatal.reason.kind());
        assertTrue(fatal.getMessage().contains("longer than the maximum of 16"), fatal.getMessage());
    }

    @Test
    void aLineSplitAcrossReadsIsDeliveredOnce() throws Fatal {
        feed("hel");
        feed("lo\n");
        assertEquals(List.of("line hello"), seen);
    }

    @Test
    void aLineLongerThanTheMaximumIsRefusedBeforeItsEnd() {
        Fatal f = assertThrows(Fatal.class, () -> feed("x".repeat(17)));
        assertEquals(Kind.FRAME_TOO_LARGE, f.reason.kind());
    }

    @Test
    void theEncoderEndsALineAndRefusesOneWithALineBreak() {
        OutBuffer out = new OutBuffer();
        int start = framing.beginData(out);
        out.writeUtf8("hi");
        assertEquals(null, framing.endData(out, start, 16));
        framing.encodePing(out, 0);
        framing.encodePong(out, 0);
        framing.encodeClose(out, 10, "flood\nof PONGs"); // cut to fit the maximum line: 16 - 12 bytes of reason
        assertEquals("hi\nPING\nPONG\nCLOSE 10 floo\n",
                new String(Arrays.copyOf(out.buf, out.size), StandardCharsets.UTF_8));
        int again = framing.beginData(out);
        out.writeUtf8("two\nlines");
        assertEquals("encoded line contains a line break", framing.endData(out, again, 16));
        assertFalse(framing.hasHello() || framing.hasCloseFrame());
    }
}
