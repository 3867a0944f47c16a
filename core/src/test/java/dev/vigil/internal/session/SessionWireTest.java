package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session's HELLO options and frames, byte for byte, and what a hostile peer can put in them. */
class SessionWireTest {
    private static final UUID ID = UUID.fromString("0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0");
    private static final long EPOCH = 0x1122334455667788L;

    @Test
    void offerIsTypeLengthVersionAndLingerMillis() throws Exception {
        byte[] b = new SessionWire.Offer(1, 30_000).encode();
        assertEquals("0505" + "01" + "00007530", HexFormat.of().formatHex(b));
        assertEquals(new SessionWire.Offer(1, 30_000), SessionWire.decodeOffer(b, 2, b[1]));
    }

    @Test
    void newSessionRequestIsTwoBytes() throws Exception {
        byte[] b = SessionWire.Request.fresh().encode();
        assertEquals("0602" + "01" + "00", HexFormat.of().formatHex(b));
        assertEquals(SessionWire.Request.fresh(), SessionWire.decodeRequest(b, 2, b[1]));
    }

    @Test
    void resumeRequestCarriesIdEpochAndBothCounts() throws Exception {
        SessionWire.Request r = new SessionWire.Request(1, true, true, ID, EPOCH, 17, 42);
        byte[] b = r.encode();
        assertEquals("062a" + "01" + "03" + "0f1e2d3c4b5a49788796a5b4c3d2e1f0" + "1122334455667788"
                + "0000000000000011" + "000000000000002a", HexFormat.of().formatHex(b));
        assertEquals(r, SessionWire.decodeRequest(b, 2, b[1]));
    }

    @Test
    void answerIsAFrameOfFortyThreeBytes() throws Exception {
        SessionWire.Answer a = new SessionWire.Answer(SessionWire.Outcome.REFUSED, ResumeFailure.EXPIRED, true, ID,
                EPOCH, 5, 6);
        byte[] b = a.encode();
        assertEquals("0000002b" + "04" + "02" + "04" + "01" + "0f1e2d3c4b5a49788796a5b4c3d2e1f0" + "1122334455667788"
                + "0000000000000005" + "0000000000000006", HexFormat.of().formatHex(b));
        assertEquals(a, SessionWire.decodeAnswer(b, 5, b.length - 5));
        for (SessionWire.Answer each : new SessionWire.Answer[]{
                new SessionWire.Answer(SessionWire.Outcome.STARTED, null, false, ID, EPOCH, 0, 0),
                new SessionWire.Answer(SessionWire.Outcome.RESUMED, null, true, ID, EPOCH, Long.MAX_VALUE, 0),
                new SessionWire.Answer(SessionWire.Outcome.REFUSED, ResumeFailure.UNKNOWN_SESSION, false, ID, EPOCH,
                        0, 0)}) {
            byte[] e = each.encode();
            assertEquals(each, SessionWire.decodeAnswer(e, 5, e.length - 5));
        }
    }

    @Test
    void ackIsAFrameOfEightBytes() throws Exception {
        byte[] b = SessionWire.ackFrame(300);
        assertEquals("00000008" + "05" + "000000000000012c", HexFormat.of().formatHex(b));
        assertEquals(300, SessionWire.decodeAck(b, 5, 8));
    }

    private static String error(Executable e) {
        return assertThrows(SessionProtocolException.class, e::run).getMessage();
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws Exception;
    }

    @Test
    void malformedOptionsAreProtocolErrorsThatSayWhat() {
        byte[] offer = new SessionWire.Offer(1, 1).encode();
        assertEquals("session offer (HELLO option 5) has 4 bytes (expected: 5)",
                error(() -> SessionWire.decodeOffer(offer, 2, 4)));
        offer[2] = 0;
        assertEquals("session offer announces session protocol version 0 (expected: 1 or more)",
                error(() -> SessionWire.decodeOffer(offer, 2, 5)));

        assertEquals("session request (HELLO option 6) has 1 bytes (expected: 2 or 42)",
                error(() -> SessionWire.decodeRequest(new byte[]{1}, 0, 1)));
        assertEquals("session request sets reserved flag bits 0x4 (expected: 0)",
                error(() -> SessionWire.decodeRequest(new byte[]{1, 4}, 0, 2)));
        assertEquals("session request for a new session sets OVERFLOWED (expected: only with RESUME)",
                error(() -> SessionWire.decodeRequest(new byte[]{1, 2}, 0, 2)));
        assertEquals("session request for a new session has 3 bytes (expected: 2)",
                error(() -> SessionWire.decodeRequest(new byte[]{1, 0, 0}, 0, 3)));
        byte[] resume = new SessionWire.Request(1, true, false, ID, EPOCH, 1, 1).encode();
        assertEquals("session resume request has 41 bytes (expected: 42)",
                error(() -> SessionWire.decodeRequest(resume, 2, 41)));
        byte[] negative = resume.clone();
        negative[2 + 26] = (byte) 0x80;
        assertEquals("session resume request has delivered count 9223372036854775809 (expected: below 2^63)",
                error(() -> SessionWire.decodeRequest(negative, 2, 42)));
        byte[] noEpoch = new SessionWire.Request(1, true, false, ID, 0, 1, 1).encode();
        assertTrue(error(() -> SessionWire.decodeRequest(noEpoch, 2, 42)).contains("(expected: neither zero)"));
    }

    @Test
    void malformedFramesAreProtocolErrorsThatSayWhat() {
        assertEquals("ACK frame has 7 bytes (expected: 8)", error(() -> SessionWire.decodeAck(new byte[7], 0, 7)));
        byte[] ack = SessionWire.ackFrame(0);
        ack[5] = (byte) 0xff;
        assertTrue(error(() -> SessionWire.decodeAck(ack, 5, 8)).endsWith("(expected: below 2^63)"));

        SessionWire.Answer ok = new SessionWire.Answer(SessionWire.Outcome.RESUMED, null, true, ID, EPOCH, 1, 2);
        assertEquals("SESSION frame has 42 bytes (expected: 43)",
                error(() -> SessionWire.decodeAnswer(ok.encode(), 5, 42)));
        assertEquals("SESSION frame has outcome 3 (expected: 0 to 2)", error(() -> decodeWith(ok, 0, 3)));
        assertEquals("SESSION frame RESUMED has reason 1 (expected: 0)", error(() -> decodeWith(ok, 1, 1)));
        assertEquals("SESSION frame sets reserved flag bits 0x2 (expected: 0)", error(() -> decodeWith(ok, 2, 3)));
        assertEquals("SESSION frame RESUMED clears COUNTS_KNOWN (expected: set for RESUMED, clear for STARTED)", error(() -> decodeWith(ok, 2, 0)));
        SessionWire.Answer refused = new SessionWire.Answer(SessionWire.Outcome.REFUSED,
                ResumeFailure.EPOCH_CHANGED, false, ID, EPOCH, 0, 0);
        assertEquals("SESSION frame refuses with reason 0 (expected: 1 to 4)", error(() -> decodeWith(refused, 1, 0)));
        assertEquals("SESSION frame refuses with reason 5 (expected: 1 to 4)", error(() -> decodeWith(refused, 1, 5)));
        assertEquals("SESSION frame REFUSED without COUNTS_KNOWN carries counts 0 and 1 (expected: 0)",
                error(() -> decodeWith(refused, 42, 1)));
        SessionWire.Answer started = new SessionWire.Answer(SessionWire.Outcome.STARTED, null, false, ID, EPOCH, 0, 0);
        assertEquals("SESSION frame STARTED sets COUNTS_KNOWN (expected: set for RESUMED, clear for STARTED)",
                error(() -> decodeWith(started, 2, 1)));
        assertEquals("SESSION frame names session 00000000-0000-0000-0000-000000000000 in epoch "
                + Long.toUnsignedString(EPOCH) + " (expected: neither zero)", error(() -> {
                    byte[] b = started.encode();
                    Arrays.fill(b, 5 + 3, 5 + 19, (byte) 0);
                    SessionWire.decodeAnswer(b, 5, b.length - 5);
                }));
    }

    /** Decodes the answer's payload after setting payload byte {@code at} to {@code v}. */
    private static void decodeWith(SessionWire.Answer a, int at, int v) throws Exception {
        byte[] b = a.encode();
        b[5 + at] = (byte) v;
        SessionWire.decodeAnswer(b, 5, b.length - 5);
    }

    static LongStream seeds() {
        return LongStream.range(0, 50);
    }

    /** Random bytes, and valid encodings with one byte flipped, never get anything but a protocol error through. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fuzzedInputIsEitherValidOrAProtocolError(long seed) {
        Random random = new Random(seed);
        byte[][] valid = {
                new SessionWire.Request(1, true, random.nextBoolean(), ID, EPOCH, random.nextLong(1 << 20),
                        random.nextLong(1 << 20)).encode(),
                new SessionWire.Answer(SessionWire.Outcome.RESUMED, null, true, ID, EPOCH, 3, 4).encode(),
                SessionWire.ackFrame(random.nextLong(Long.MAX_VALUE))};
        for (int round = 0; round < 200; round++) {
            byte[] b = valid[random.nextInt(valid.length)].clone();
            if (random.nextBoolean()) {
                random.nextBytes(b);
            } else {
                b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            }
            int off = random.nextInt(3);
            int len = random.nextInt(b.length - off + 1);
            for (int which = 0; which < 4; which++) {
                int w = which;
                try {
                    switch (w) {
                        case 0 -> SessionWire.decodeOffer(b, off, Math.min(len, 5));
                        case 1 -> SessionWire.decodeRequest(b, off, len);
                        case 2 -> SessionWire.decodeAnswer(b, off, len);
                        default -> SessionWire.decodeAck(b, off, len);
                    }
                } catch (SessionProtocolException expected) {
                    assertTrue(expected.getMessage().contains("expected"), expected.getMessage());
                }
            }
        }
    }

    @Test
    void aRequestCannotBeMadeInconsistent() {
        assertThrows(IllegalArgumentException.class, () -> new SessionWire.Request(1, true, false, null, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SessionWire.Request(1, false, true, null, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SessionWire.Request(1, false, false, ID, 0, 0, 0));
    }

    @Test
    void reEncodingADecodedRequestGivesTheSameBytes() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            SessionWire.Request r = new SessionWire.Request(1 + random.nextInt(255), true, random.nextBoolean(),
                    new UUID(random.nextLong() | 1, random.nextLong()), random.nextLong() | 1,
                    random.nextLong(Long.MAX_VALUE), random.nextLong(Long.MAX_VALUE));
            byte[] b = r.encode();
            assertArrayEquals(b, SessionWire.decodeRequest(b, 2, b[1]).encode());
        }
    }
}
