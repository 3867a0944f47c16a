package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binary framing's decoder and encoder, without a connection. */
class BinaryFramingTest {
    private final BinaryFraming framing = new BinaryFraming(1024);
    private final InboundBuffer in = new InboundBuffer(1024);
    private final List<String> seen = new ArrayList<>();
    private final FrameHandler recorder = new FrameHandler() {
        @Override
        public void onData(byte[] b, int off, int len) {
            seen.add("DATA " + new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void onPing(long nonce) {
            seen.add("PING " + nonce);
        }

        @Override
        public void onPong(long nonce, boolean echoed) {
            seen.add("PONG " + nonce + " " + echoed);
        }

        @Override
        public void onClose(int code, String text) {
            seen.add("CLOSE " + code + " " + text);
        }
    };

    private void feed(byte[] bytes) throws Fatal {
        in.allocate();
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

    private static byte[] frame(int type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(payload.length).put((byte) type).put(payload).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @Test
    void framesPackedIntoOneReadAreDecodedInOrder() throws Fatal {
        feed(concat(frame(0, "a".getBytes(StandardCharsets.UTF_8)), frame(1, ByteBuffer.allocate(8).putLong(7).array()),
                frame(2, ByteBuffer.allocate(8).putLong(9).array()), frame(3, new byte[] {0, 2, 'o', 'k'})));
        assertEquals(List.of("DATA a", "PING 7", "PONG 9 true", "CLOSE 2 ok"), seen);
    }

    @Test
    void aFrameSplitAtEveryByteIsDecodedOnceWhole() throws Fatal {
        byte[] bytes = frame(0, "split".getBytes(StandardCharsets.UTF_8));
        for (byte b : bytes) {
            feed(new byte[] {b});
        }
        assertEquals(List.of("DATA split"), seen);
    }

    @Test
    void aLengthOverTheMaximumIsRefusedFromTheHeaderAlone() {
        Fatal f = assertThrows(Fatal.class, () -> feed(new byte[] {0, 0, 4, 1, 0}));
        assertEquals(Kind.FRAME_TOO_LARGE, f.reason.kind());
        assertTrue(in.array().length < 1025, "nothing of the declared size was allocated");
    }

    @Test
    void aCloseMayCarryItsFullReasonWhateverTheMaximum() throws Fatal {
        BinaryFraming small = new BinaryFraming(64);
        InboundBuffer buffer = new InboundBuffer(64);
        buffer.allocate();
        byte[] reason = "r".repeat(1024).getBytes(StandardCharsets.UTF_8);
        byte[] bytes = frame(3, ByteBuffer.allocate(2 + reason.length).putShort((short) 8).put(reason).array());
        int off = 0;
        while (off < bytes.length) {
            buffer.prepareRead();
            int space = buffer.writable();
            int n = Math.min(space, bytes.length - off);
            System.arraycopy(bytes, off, buffer.array(), buffer.writeIndex(), n);
            buffer.wrote(n, space);
            off += n;
            small.decode(buffer, recorder);
        }
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).startsWith("CLOSE 8 rrr"));
    }

    @Test
    void unknownTypesAndBadControlLengthsAreProtocolErrors() {
        assertEquals(Kind.PROTOCOL_ERROR, assertThrows(Fatal.class, () -> feed(frame(9, new byte[1]))).reason.kind());
        assertEquals(Kind.PROTOCOL_ERROR,
                assertThrows(Fatal.class, () -> feed(frame(1, new byte[7]))).reason.kind());
        assertEquals(Kind.PROTOCOL_ERROR,
                assertThrows(Fatal.class, () -> feed(frame(3, new byte[1]))).reason.kind());
        assertEquals(Kind.PROTOCOL_ERROR,
                assertThrows(Fatal.class, () -> feed(frame(3, new byte[1027]))).reason.kind());
    }

    @Test
    void anEncodedMessageHasItsHeaderFilledIn() {
        OutBuffer out = new OutBuffer();
        int start = framing.beginData(out);
        out.write(new byte[] {1, 2, 3}, 0, 3);
        assertNull(framing.endData(out, start, 1024));
        assertArrayEquals(new byte[] {0, 0, 0, 3, 0, 1, 2, 3}, Arrays.copyOf(out.buf, out.size));
    }

    @Test
    void aMessageOverThePeersMaximumIsRolledBackWithAReason() {
        OutBuffer out = new OutBuffer();
        framing.encodePong(out, 5);
        int before = out.size;
        int start = framing.beginData(out);
        out.write(new byte[11], 0, 11);
        String error = framing.endData(out, start, 10);
        assertEquals("message of 11 bytes exceeds the maximum frame size of 10 bytes", error);
        assertEquals(before, out.size, "the PONG before it is kept");
    }

    @Test
    void aCloseReasonIsCutAt1024BytesOnACharacterBoundary() {
        OutBuffer out = new OutBuffer();
        framing.encodeClose(out, 5, "é".repeat(600)); // 1200 bytes of 2-byte characters
        int len = ByteBuffer.wrap(out.buf).getInt();
        assertEquals(2 + 1024, len);
        String text = new String(out.buf, 7, len - 2, StandardCharsets.UTF_8);
        assertEquals("é".repeat(512), text);
    }
}
