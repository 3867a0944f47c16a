package dev.vigil.internal.wire;

import dev.vigil.CloseReason;
import org.jetbrains.annotations.Nullable;

/** Ends a connection's reading with a reason that the peer is told in a CLOSE frame. */
public final class Fatal extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the connection ends. */
    @SuppressWarnings("serial")
    public final CloseReason reason;

    public Fatal(CloseReason.Kind kind, String message) {
        this(kind, message, null);
    }

    public Fatal(CloseReason.Kind kind, String message, @Nullable Throwable cause) {
        super(message, cause, false, false);
        this.reason = new CloseReason(kind, false, message, cause);
    }
}
