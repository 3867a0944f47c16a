package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import org.jetbrains.annotations.Nullable;

import java.util.List;
import java.util.UUID;

/**
 * What the server's session table decided about a client's request, as {@link SessionTable#admit} returns it. The
 * caller writes {@link #answer()} as the connection's first frame after its HELLO (or closes the connection when there
 * is none), completes the futures of the released entries, and lets the link's writer pull the replay before anything
 * new.
 *
 * @param <M> the type of messages
 * @param <C> the type of the connection that owns a link
 */
public sealed interface Admission<M, C> {

    /** {@return the SESSION frame to write, or null when the connection is to be closed instead} */
    SessionWire.@Nullable Answer answer();

    /**
     * A new session.
     *
     * @param link   the link; its writer starts at 0
     * @param answer the STARTED answer
     * @param <M>    the type of messages
     * @param <C>    the type of connections
     */
    record Started<M, C>(Link<M> link, SessionWire.Answer answer) implements Admission<M, C> {
    }

    /**
     * The session carries on on this connection.
     *
     * @param link             the link; its writer starts at the client's count
     * @param answer           the RESUMED answer
     * @param released         the entries the client's count confirmed
     * @param replayedToPeer   how many frames the server writes again
     * @param replayedFromPeer how many frames the client writes again
     * @param displaced        the connection that carried the session until now, if it was still open: close it
     * @param <M>              the type of messages
     * @param <C>              the type of connections
     */
    record Resumed<M, C>(Link<M> link, SessionWire.Answer answer, List<ReplayBuffer.Entry<M>> released,
                         long replayedToPeer, long replayedFromPeer, @Nullable C displaced)
            implements Admission<M, C> {
    }

    /**
     * The presented session cannot carry on; a new one starts on this connection.
     *
     * @param link       the link to the new session
     * @param answer     the REFUSED answer
     * @param old        the presented session's id
     * @param reason     why it was refused
     * @param detail     a sentence for the log, with the numbers
     * @param released   the old session's entries the client's count confirmed
     * @param handedBack the old session's entries the client did not deliver; fail their futures, hand them back
     *                   ({@code onResumeFailed} on the server too); empty when this server never knew the session
     * @param displaced  the old session's connection, if it was still open: close it
     * @param <M>        the type of messages
     * @param <C>        the type of connections
     */
    record Refused<M, C>(Link<M> link, SessionWire.Answer answer, UUID old, ResumeFailure reason, String detail,
                         List<ReplayBuffer.Entry<M>> released, List<ReplayBuffer.Entry<M>> handedBack,
                         @Nullable C displaced) implements Admission<M, C> {
    }

    /**
     * The request broke the protocol: close the connection with {@code PROTOCOL_ERROR}. The presented session is
     * left as it was.
     *
     * @param message the close reason
     * @param <M>     the type of messages
     * @param <C>     the type of connections
     */
    record Violation<M, C>(String message) implements Admission<M, C> {
        @Override
        public SessionWire.@Nullable Answer answer() {
            return null;
        }
    }

    /**
     * The table is full: close the connection with {@code REJECTED}.
     *
     * @param message the close reason, with the numbers
     * @param <M>     the type of messages
     * @param <C>     the type of connections
     */
    record Full<M, C>(String message) implements Admission<M, C> {
        @Override
        public SessionWire.@Nullable Answer answer() {
            return null;
        }
    }
}
