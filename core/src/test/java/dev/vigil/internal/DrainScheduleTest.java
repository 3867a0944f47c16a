package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.internal.wire.CloseFrame;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The drain's schedule and reason, as pure functions. */
class DrainScheduleTest {
    private static final long START = 1_000_000_000L;
    private static final long WINDOW = Duration.ofSeconds(2).toNanos();

    @Test
    void theFirstCloseIsAtOnceTheLastAtTheEndOfTheWindowAndTheRestEvenlyBetween() {
        assertEquals(START, Drain.closeAt(START, WINDOW, 0, 5));
        assertEquals(START + WINDOW / 4, Drain.closeAt(START, WINDOW, 1, 5));
        assertEquals(START + WINDOW / 2, Drain.closeAt(START, WINDOW, 2, 5));
        assertEquals(START + WINDOW * 3 / 4, Drain.closeAt(START, WINDOW, 3, 5));
        assertEquals(START + WINDOW, Drain.closeAt(START, WINDOW, 4, 5));
    }

    @Test
    void aSingleConnectionClosesAtOnceAndAZeroWindowClosesAllAtOnce() {
        assertEquals(START, Drain.closeAt(START, WINDOW, 0, 1));
        assertEquals(START, Drain.closeAt(START, 0, 7, 10));
    }

    @Test
    void aMillionConnectionsOverADayNeverOverflow() {
        long day = Duration.ofDays(1).toNanos();
        assertEquals(START + day, Drain.closeAt(START, day, 999_999, 1_000_000));
        assertEquals(START + day / 2, Drain.closeAt(START, day, 500_000, 1_000_001));
    }

    @Test
    void aServersDrainNamingAnEndpointSendsTheCloseBytesOfDocsProtocolMd() {
        byte[] frame = CloseFrame.encode(CloseReason.Kind.SHUTDOWN.code(),
                Drain.reason(false, new InetSocketAddress("127.0.0.1", 7001)));
        String expected = "0000004e" + "03" + "0008"
                + HexFormat.of().formatHex("the server is draining: reconnect to 127.0.0.1:7001".getBytes(US_ASCII))
                + "0a" + HexFormat.of().formatHex("reconnect=127.0.0.1:7001".getBytes(US_ASCII));
        assertEquals(83, frame.length);
        assertEquals(expected, HexFormat.of().formatHex(frame));
    }

    @Test
    void theReasonNamesTheSuggestionOnALineOfItsOwn() {
        assertEquals("the server is draining: reconnect to node-2.example:7000\nreconnect=node-2.example:7000",
                Drain.reason(false, InetSocketAddress.createUnresolved("node-2.example", 7000)));
        assertEquals("the client is draining: reconnect", Drain.reason(true, null));
    }
}
