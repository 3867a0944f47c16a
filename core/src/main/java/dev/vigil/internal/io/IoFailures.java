package dev.vigil.internal.io;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;

import java.io.IOException;
import java.net.SocketException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * The one place that turns an I/O failure into a close reason, for reads and writes alike: a reset or broken pipe
 * is {@code RESET} (the peer is gone), a TLS failure is {@code PROTOCOL_ERROR}, anything else {@code IO_ERROR}.
 */
public final class IoFailures {
    private IoFailures() {
    }

    /**
     * @param e       the failure
     * @param reading whether a read failed (else a write), for the message
     */
    public static CloseReason reason(IOException e, boolean reading) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof SSLException) {
            return new CloseReason(Kind.PROTOCOL_ERROR, false, "TLS failed: " + message, e);
        }
        String lower = message.toLowerCase(Locale.ROOT);
        if (e instanceof SocketException && (lower.contains("reset") || lower.contains("broken pipe"))) {
            return new CloseReason(Kind.RESET, false, "peer reset the connection", e);
        }
        return new CloseReason(Kind.IO_ERROR, false, (reading ? "read" : "write") + " failed: " + e, e);
    }
}
