package dev.vigil.internal.wire;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The suggested endpoint in a SHUTDOWN CLOSE's reason: its bytes, and what a receiver makes of them. */
class RedirectTest {

    @Test
    void theCloseFrameCarriesTheSuggestionAsAPlainLastLineOfTheReason() {
        String reason = Redirect.append("bye", new InetSocketAddress("127.0.0.1", 7001));
        byte[] frame = CloseFrame.encode(8, reason);
        // payload length 30, type 0x03 CLOSE, code 8, then "bye\nreconnect=127.0.0.1:7001"
        byte[] expected = HexFormat.of().parseHex("0000001e" + "03" + "0008"
                + HexFormat.of().formatHex("bye\nreconnect=127.0.0.1:7001".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(expected, frame);
    }

    @Test
    void anIpLiteralComesBackResolvedWithoutALookupAndANameUnresolved() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 7001),
                Redirect.parse("bye\nreconnect=127.0.0.1:7001"));
        InetSocketAddress named = Redirect.parse("bye\nreconnect=node-2.example:7000");
        assertTrue(named != null && named.isUnresolved(), String.valueOf(named));
        assertEquals("node-2.example", named.getHostString());
        assertEquals(7000, named.getPort());
    }

    @Test
    void anIpv6LiteralIsWrittenInBracketsAndReadBack() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 7002);
        String reason = Redirect.append("bye", v6);
        assertTrue(reason.endsWith("\nreconnect=[0:0:0:0:0:0:0:1]:7002"), reason);
        assertEquals(v6, Redirect.parse(reason));
    }

    @Test
    void aReasonWithoutAValidSuggestionHasNone() {
        assertNull(Redirect.parse("the server is shutting down"));
        assertNull(Redirect.parse("reconnect=127.0.0.1:7001")); // not on a line of its own
        assertNull(Redirect.parse("bye\nreconnect=127.0.0.1"));
        assertNull(Redirect.parse("bye\nreconnect=127.0.0.1:0"));
        assertNull(Redirect.parse("bye\nreconnect=127.0.0.1:65536"));
        assertNull(Redirect.parse("bye\nreconnect=::1:7001"));
        assertNull(Redirect.parse("bye\nreconnect=evil host:7001"));
        assertNull(Redirect.parse("bye\nreconnect=:7001"));
        assertNull(Redirect.parse("bye\nreconnect=127.0.0.1:7001\nmore"));
    }
}
