package dev.vigil;

import java.io.IOException;
import java.io.Serial;
import java.util.UUID;

/**
 * A message's delivery future failed because its session ended before the peer confirmed delivering it: the session
 * could not be resumed, or it expired on the server. The message is handed back in the matching
 * {@link SessionListener} event.
 */
public final class SessionLostException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The session that ended. */
    private final UUID session;
    /** Why it ended. */
    private final ResumeFailure reason;

    /**
     * Makes the exception.
     *
     * @param session the session that ended
     * @param reason  why it ended
     * @param message a sentence with the numbers that matter
     */
    public SessionLostException(UUID session, ResumeFailure reason, String message) {
        super(message, null);
        this.session = session;
        this.reason = reason;
    }

    /** {@return the session that ended} */
    public UUID session() {
        return session;
    }

    /** {@return why it ended} */
    public ResumeFailure reason() {
        return reason;
    }
}
