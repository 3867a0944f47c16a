package dev.vigil.internal;

import dev.vigil.CloseReason;

/** Ends a connection's read loop with a reason that the peer is told in a CLOSE frame. */
final class Fatal extends Exception {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial")
    final CloseReason reason;

    Fatal(CloseReason.Kind kind, String message) {
        this(kind, message, null);
    }

    Fatal(CloseReason.Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = new CloseReason(kind, false, message, cause);
    }
}
