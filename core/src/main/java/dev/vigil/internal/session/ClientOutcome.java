package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;

import java.util.List;
import java.util.UUID;

/**
 * What the server's SESSION frame means for a client, as {@link ClientSession#onAnswer} decides it. In every case the
 * caller completes the delivery futures of {@code released()} (the server delivered those messages) before anything
 * else, then writes, in order and before anything new, what the link's writer pulls from the replay buffer.
 *
 * @param <M> the type of messages
 */
public sealed interface ClientOutcome<M> {

    /** {@return the connection's link to the session that carries on or starts} */
    Link<M> link();

    /** {@return the entries the server's count confirmed; their delivery futures complete} */
    List<ReplayBuffer.Entry<M>> released();

    /**
     * A new session started: the client's first, which may already hold sends made before the answer.
     *
     * @param link     the link; its writer starts at 0
     * @param released always empty
     * @param <M>      the type of messages
     */
    record Started<M>(Link<M> link, List<ReplayBuffer.Entry<M>> released) implements ClientOutcome<M> {
    }

    /**
     * The session carries on.
     *
     * @param link             the link; its writer starts at the server's count
     * @param released         the entries the server's count confirmed
     * @param replayedToPeer   how many frames the client writes again
     * @param replayedFromPeer how many frames the server writes again
     * @param <M>              the type of messages
     */
    record Resumed<M>(Link<M> link, List<ReplayBuffer.Entry<M>> released, long replayedToPeer,
                      long replayedFromPeer) implements ClientOutcome<M> {
    }

    /**
     * The old session is over and a new, empty one starts on this connection. The caller fails the futures of
     * {@code handedBack} with {@code SessionLostException}, hands their messages to the application
     * ({@code onResumeFailed}), then reports the new session ({@code onSessionStarted}).
     *
     * @param link       the link to the new session; its writer starts at 0
     * @param released   the old session's entries the server's count confirmed (empty when counts were unknown)
     * @param old        the old session's id
     * @param reason     why it could not be resumed
     * @param detail     a sentence for the log, with the numbers
     * @param handedBack the old session's entries the server did not (or may not have) delivered, oldest first
     * @param <M>        the type of messages
     */
    record Refused<M>(Link<M> link, List<ReplayBuffer.Entry<M>> released, UUID old, ResumeFailure reason,
                      String detail, List<ReplayBuffer.Entry<M>> handedBack) implements ClientOutcome<M> {
    }
}
