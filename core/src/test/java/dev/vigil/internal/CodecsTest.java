package dev.vigil.internal;

import dev.vigil.MessageCodec;
import dev.vigil.internal.wire.OutBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CodecsTest {
    private static <M> M roundTrip(MessageCodec<M> codec, M message) throws IOException {
        OutBuffer out = new OutBuffer();
        out.write(new byte[]{9, 9, 9}, 0, 3); // decoding must honour the offset
        codec.encode(message, out);
        return codec.decode(out.buf, 3, out.size - 3);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void bytesRoundTrip(long seed) throws IOException {
        Random random = new Random(seed);
        byte[] message = new byte[random.nextInt(5000)];
        random.nextBytes(message);
        assertArrayEquals(message, roundTrip(MessageCodec.bytes(), message));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void utf8RoundTripsAnyText(long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            int cp;
            do {
                cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x10FFFF);
            } while (Character.isSurrogate((char) cp) && cp < 0x10000);
            sb.appendCodePoint(cp);
        }
        String message = sb.toString();
        assertEquals(message, roundTrip(MessageCodec.utf8(), message));
        OutBuffer out = new OutBuffer();
        MessageCodec.utf8().encode(message, out);
        assertArrayEquals(message.getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(out.buf, out.size),
                "the allocation-free encoder writes exactly what the JDK would");
    }

    @Test
    void linesRoundTripAndRefuseALineBreakInAMessage() throws IOException {
        assertEquals("hello, nc", roundTrip(MessageCodec.lines(), "hello, nc"));
        assertThrows(IOException.class, () -> MessageCodec.lines().encode("two\nlines", new OutBuffer()));
        assertEquals(MessageCodec.Framing.LINES, MessageCodec.lines().framing());
    }

    @Test
    void invalidUtf8IsRefusedRatherThanReplaced() {
        byte[] bad = {'o', 'k', (byte) 0xc3, (byte) 0x28};
        assertThrows(IOException.class, () -> MessageCodec.utf8().decode(bad, 0, bad.length));
    }

    record Reading(String sensor, double value) {
    }

    @Test
    void mapPutsAUserTypeOnTopOfACodecWithoutFramingAgain() throws IOException {
        MessageCodec<Reading> codec = MessageCodec.utf8().map(
                s -> new Reading(s.split("=")[0], Double.parseDouble(s.split("=")[1])),
                r -> r.sensor() + "=" + r.value());
        assertEquals(new Reading("t1", 21.5), roundTrip(codec, new Reading("t1", 21.5)));
        assertEquals(MessageCodec.Framing.LENGTH_PREFIXED, codec.framing());
        IOException e = assertThrows(IOException.class, () -> codec.decode("x".getBytes(), 0, 1));
        assertEquals(ArrayIndexOutOfBoundsException.class, e.getCause().getClass());
    }
}
