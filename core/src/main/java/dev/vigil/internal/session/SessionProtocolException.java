package dev.vigil.internal.session;

import java.io.Serial;

/** A peer broke the session protocol; the connection closes with {@code PROTOCOL_ERROR} and this message. */
public final class SessionProtocolException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what the peer did, with the numbers
     */
    public SessionProtocolException(String message) {
        super(message, null, false, false);
    }
}
