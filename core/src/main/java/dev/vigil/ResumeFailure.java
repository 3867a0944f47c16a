package dev.vigil;

/**
 * Why a session could not be resumed on a new connection. Each has a stable code used in the server's SESSION frame
 * ({@code docs/protocol.md}, section 5). After any of them the connection carries on with a new session, and every
 * message of the old one that the peer did not deliver is handed back to the application
 * ({@link SessionListener#onResumeFailed}).
 */
public enum ResumeFailure {
    /**
     * The server has never heard of the session: it was never created there (another server behind the same address,
     * or a forged id), or it ended long enough ago that the server forgot it.
     */
    UNKNOWN_SESSION(1),
    /**
     * The server's session state was lost since the session was created (the server restarted), shown by its epoch.
     * Which messages it delivered before it lost them is unknown, so all unconfirmed ones are handed back.
     */
    EPOCH_CHANGED(2),
    /**
     * A replay buffer (on either side) overflowed while the session was disconnected: a message did not fit its
     * {@link SessionPolicy#replayMessages()} or {@link SessionPolicy#replayBytes()} bound, or waited longer than
     * {@link SessionPolicy#replayAge()}, so the session cannot be replayed intact.
     */
    REPLAY_OVERFLOW(3),
    /** The server kept the session for its {@link SessionPolicy#linger()} after the connection died, then let it go. */
    EXPIRED(4);

    private final int code;

    ResumeFailure(int code) {
        this.code = code;
    }

    /** {@return the code that stands for this reason in a SESSION frame} */
    public int code() {
        return code;
    }

    /**
     * {@return the reason for a SESSION frame's code}
     *
     * @param code a code from a SESSION frame
     * @throws IllegalArgumentException if the code stands for no reason (a peer sending it breaks the protocol)
     */
    public static ResumeFailure ofCode(int code) {
        for (ResumeFailure reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        throw new IllegalArgumentException("no resume failure has code " + code);
    }
}
