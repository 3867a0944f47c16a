package dev.vigil.internal.io;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The one mapping of I/O failures to close reasons: the same for reads and writes. */
class IoFailuresTest {

    @Test
    void aResetOrABrokenPipeIsAResetWhetherAReadOrAWriteFindsIt() {
        for (boolean reading : new boolean[] {true, false}) {
            for (String message : new String[] {"Connection reset", "Broken pipe", "Connection reset by peer"}) {
                CloseReason reason = IoFailures.reason(new SocketException(message), reading);
                assertEquals(Kind.RESET, reason.kind(), message + (reading ? " on a read" : " on a write"));
                assertEquals("peer reset the connection", reason.message());
                assertFalse(reason.remote());
            }
        }
    }

    @Test
    void aTlsFailureIsAProtocolError() {
        CloseReason reason = IoFailures.reason(new SSLHandshakeException("certificate_unknown"), true);
        assertEquals(Kind.PROTOCOL_ERROR, reason.kind());
        assertEquals("TLS failed: certificate_unknown", reason.message());
    }

    @Test
    void anythingElseIsAnIoErrorThatSaysWhichWayItFailed() {
        assertEquals("read failed: java.io.IOException: disk on fire",
                IoFailures.reason(new IOException("disk on fire"), true).message());
        assertEquals(Kind.IO_ERROR, IoFailures.reason(new IOException("disk on fire"), false).kind());
        assertEquals("write failed: java.io.IOException", IoFailures.reason(new IOException(), false).message());
    }
}
