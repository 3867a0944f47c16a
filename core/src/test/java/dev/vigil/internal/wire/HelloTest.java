package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HELLO codec. */
class HelloTest {
    private final InboundBuffer in = new InboundBuffer(1024);

    private Hello feed(byte[] bytes) throws Fatal {
        in.allocate();
        in.prepareRead();
        int space = in.writable();
        System.arraycopy(bytes, 0, in.array(), in.writeIndex(), bytes.length);
        in.wrote(bytes.length, space);
        return Hello.decode(in);
    }

    @Test
    void whatIsEncodedDecodesToTheSameAnnouncement() throws Fatal {
        Hello hello = feed(Hello.encode(1000, 3000, 250, 4096, 0));
        assertEquals(new Hello(1, 0, 250, 4096), hello);
        assertFalse(hello.refusing());
        assertEquals(0, in.readable(), "the HELLO was taken from the buffer");
    }

    @Test
    void aHelloWithoutOptionsIsValidAndItsOptionsReadAsAbsent() throws Fatal {
        assertEquals(new Hello(1, 0, 0, 0), feed(new byte[] {'V', 'I', 'G', 'L', 1, 0, 0, 0}));
    }

    @Test
    void reservedFlagBitsAreIgnoredAndTheRefusingBitIsRead() throws Fatal {
        assertTrue(feed(Hello.encode(0, 0, 0, 64, 0xff)).refusing());
        in.release();
        assertFalse(feed(Hello.encode(0, 0, 0, 64, 0xfe)).refusing());
    }

    @Test
    void unknownOptionsAndKnownOnesOfAnotherLengthAreSkipped() throws Fatal {
        byte[] options = {9, 3, 1, 2, 3, 3, 2, 0, 5, 4, 4, 0, 0, 1, 0};
        byte[] hello = ByteBuffer.allocate(8 + options.length).put(new byte[] {'V', 'I', 'G', 'L', 1, 0})
                .putShort((short) options.length).put(options).array();
        assertEquals(new Hello(1, 0, 0, 256), feed(hello));
    }

    @Test
    void aWrongFirstByteIsRefusedAtOnce() {
        Fatal f = assertThrows(Fatal.class, () -> feed("G".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Kind.PROTOCOL_ERROR, f.reason.kind());
        assertTrue(f.getMessage().startsWith("not a Vigil peer: it sent \"G\""), f.getMessage());
    }

    @Test
    void aPartialHelloWaitsForTheRest() throws Fatal {
        assertNull(feed(new byte[] {'V', 'I', 'G'}));
    }

    @Test
    void tooManyOptionBytesAreRefusedFromTheLengthAlone() {
        Fatal f = assertThrows(Fatal.class, () -> feed(new byte[] {'V', 'I', 'G', 'L', 1, 0, 4, 1}));
        assertTrue(f.getMessage().contains("1025 bytes of options"), f.getMessage());
    }

    @Test
    void anOptionRunningPastTheOptionsIsRefused() {
        Fatal f = assertThrows(Fatal.class, () -> feed(new byte[] {'V', 'I', 'G', 'L', 1, 0, 0, 3, 3, 4, 0}));
        assertEquals(Kind.PROTOCOL_ERROR, f.reason.kind());
    }
}
