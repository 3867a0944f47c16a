package dev.vigil;

import java.util.List;
import java.util.UUID;

/**
 * Hears what happens to the sessions of a manager or client that has a {@link SessionPolicy}: a session started,
 * resumed on a new connection, could not be resumed, or expired on the server. Implement it beside
 * {@link ConnectionListener} (or {@link ReconnectListener}) on the listener you already pass; only the methods you
 * need, each has a default that does nothing. {@code docs/sessions.md} says what sessions guarantee.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Where in a connection's events.</b> On a connection that negotiated a session, {@link #onOpen} comes first;
 *       then, before the connection's first {@link #onMessage}, exactly one of: {@link #onSessionStarted} (a new
 *       session), {@link #onResumed} (the old one carries on), or {@link #onResumeFailed} followed by
 *       {@link #onSessionStarted} (the old one is over, a new one starts on this connection). Replayed messages then
 *       arrive through {@link #onMessage} like any other, in order, each exactly once. A connection whose peer does
 *       not speak sessions gets none of these events and behaves as without a policy.</li>
 *   <li><b>Threads.</b> The connection events above keep the {@link ConnectionListener} contract: one at a time,
 *       on the connection's reader virtual thread. {@link #onSessionExpired} has no live connection; it runs on the
 *       server's session timer virtual thread ({@code vigil-sessions-timer}), one expiry at a time, after the
 *       {@link #onClose} of the session's last connection has returned.</li>
 *   <li><b>Once.</b> A session ends exactly once: by a graceful close (a CLOSE frame either way; no event beyond
 *       {@link #onClose}), by {@link #onResumeFailed}, or, on the server, by {@link #onSessionExpired}. A session
 *       that was resumed never expires for that death; a session that expired is never resumed.</li>
 *   <li><b>Handed back.</b> The messages in {@code undelivered} were accepted by {@link Connection#send} but the
 *       peer never delivered them as far as this side can tell, in the order they were sent. Their delivery futures
 *       have already failed with {@link SessionLostException} when the event comes. Vigil does not send them again:
 *       resend them from here (with an id the peer can use to drop a copy it may already have, see
 *       {@code docs/sessions.md}) or report them lost. They are never dropped without this event.</li>
 *   <li><b>Throwing.</b> An exception thrown by one of these methods is logged at WARN and passed to
 *       {@link #onError} where there is a connection; the session carries on.</li>
 * </ul>
 *
 * @param <M> the type of messages
 */
public interface SessionListener<M> extends ConnectionListener<M> {

    /**
     * A new session started on this connection: its first, or the one that follows a failed resume.
     *
     * @param connection the connection now carrying the session
     * @param session    the session's id, assigned by the server (a random version-4 UUID)
     * @implSpec The default does nothing.
     */
    default void onSessionStarted(Connection<M> connection, UUID session) {
    }

    /**
     * The session survived a reconnect: this connection carries it on. The frames the peer had not delivered are
     * being sent again ahead of anything new, and the peer does the same.
     *
     * @param connection       the new connection
     * @param session          the session's id
     * @param replayedToPeer   how many frames this side sends again (those after the peer's delivered count)
     * @param replayedFromPeer how many frames the peer sends again (those after this side's delivered count)
     * @implSpec The default does nothing.
     */
    default void onResumed(Connection<M> connection, UUID session, long replayedToPeer, long replayedFromPeer) {
    }

    /**
     * The old session could not be resumed on this connection; {@link #onSessionStarted} follows with the new one.
     *
     * @param connection  the new connection
     * @param session     the old session's id
     * @param reason      why it could not be resumed
     * @param undelivered the messages this side sent in the old session that the peer did not deliver, oldest
     *                    first; complete when the server still knew its count, every unconfirmed one otherwise
     *                    ({@link ResumeFailure#UNKNOWN_SESSION}, {@link ResumeFailure#EPOCH_CHANGED})
     * @implSpec The default does nothing.
     */
    default void onResumeFailed(Connection<M> connection, UUID session, ResumeFailure reason, List<M> undelivered) {
    }

    /**
     * Server side only: a session whose connection died without a CLOSE frame was not resumed within the
     * {@link SessionPolicy#linger()}, and the server let it go. This is where a trading gateway cancels the open
     * orders of a client that vanished.
     *
     * @param lastConnection the session's last connection, already closed (its attachment is still there)
     * @param session        the session's id
     * @param undelivered    the messages this side sent that the client did not deliver, oldest first
     * @implSpec The default does nothing.
     */
    default void onSessionExpired(Connection<M> lastConnection, UUID session, List<M> undelivered) {
    }
}
