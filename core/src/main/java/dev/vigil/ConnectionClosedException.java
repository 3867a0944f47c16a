package dev.vigil;

import java.io.IOException;
import java.io.Serial;

/**
 * A send failed, or a connection could not be opened, because the connection ended. Carries the reason.
 */
public final class ConnectionClosedException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The reason; records are serializable only if their components are, so this one is transient. */
    private final transient CloseReason reason;

    /**
     * Makes the exception.
     *
     * @param reason why the connection ended
     */
    public ConnectionClosedException(CloseReason reason) {
        super(reason.toString(), reason.cause());
        this.reason = reason;
    }

    /** {@return why the connection ended} */
    public CloseReason reason() {
        return reason;
    }
}
