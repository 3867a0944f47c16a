package dev.vigil;

import dev.vigil.internal.wire.Redirect;
import org.jetbrains.annotations.Nullable;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Why a connection ended. Every connection that was opened is closed with exactly one reason, the first one that
 * happened; later failures of the same connection change nothing.
 *
 * @param kind    what kind of ending it was; switch on it
 * @param remote  {@code true} when the peer told us, in its CLOSE frame, that it is closing for this reason (a peer's
 *                server shutting down arrives as {@link Kind#SHUTDOWN} with {@code remote} set); {@code false} when
 *                this side decided or detected it
 * @param message a sentence for people, with the numbers that matter (never empty)
 * @param cause   the exception behind it, if there was one
 */
public record CloseReason(Kind kind, boolean remote, String message, @Nullable Throwable cause) {

    /** The kinds of ending, each distinguishable by a user. Each has a stable numeric code used on the wire. */
    public enum Kind {
        /** This side called {@link Connection#close()}. */
        CLOSED_LOCALLY(1),
        /** The peer closed the connection: it sent a CLOSE frame, or (text-line mode) closed its side of TCP. */
        CLOSED_BY_PEER(2),
        /** The peer showed no sign of life within the heartbeat policy's timeout. */
        HEARTBEAT_TIMEOUT(3),
        /** A frame declared a length above the maximum frame size; nothing of its declared size was allocated. */
        FRAME_TOO_LARGE(4),
        /** The peer sent bytes that are not Vigil's protocol, or a frame its codec could not decode. */
        PROTOCOL_ERROR(5),
        /** Reading or writing the socket failed. */
        IO_ERROR(6),
        /** The peer reset the connection (TCP RST). */
        RESET(7),
        /** The connection manager is shutting down (this one, or, with {@code remote}, the peer's). */
        SHUTDOWN(8),
        /** The peer did not read fast enough and the outbound queue overflowed under the CLOSE policy. */
        SLOW_CONSUMER(9),
        /** The peer broke a rule this side enforces, such as pinging faster than it accepts. */
        POLICY_VIOLATION(10),
        /** The handshake did not complete within the handshake timeout. */
        HANDSHAKE_TIMEOUT(11),
        /** A limit or an accept hook refused the connection. */
        REJECTED(12);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /** {@return the code that stands for this kind in a CLOSE frame} */
        public int code() {
            return code;
        }

        /**
         * {@return the kind for a CLOSE frame's code}
         *
         * @param code a code from a CLOSE frame; codes this version does not know map to {@link #CLOSED_BY_PEER}
         */
        public static Kind ofCode(int code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            return CLOSED_BY_PEER;
        }
    }

    /**
     * Checks the components.
     *
     * @throws NullPointerException if {@code kind} or {@code message} is null
     */
    public CloseReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /**
     * {@return a reason this side decided or detected}
     *
     * @param kind    the kind
     * @param message a sentence with the numbers that matter
     */
    public static CloseReason local(Kind kind, String message) {
        return new CloseReason(kind, false, message, null);
    }

    /**
     * {@return the endpoint that a draining peer suggested for the reconnect, or {@code null} if there is none} Only a
     * {@link Kind#SHUTDOWN} reason carries one, as the last line of its message: {@code reconnect=<host>:<port>}
     * (see {@link ConnectionManager#drain} and docs/protocol.md). An IP literal comes back resolved, a host name
     * {@linkplain InetSocketAddress#createUnresolved unresolved}: nothing is looked up. It is a hint from the peer,
     * never an instruction: {@link ReconnectingClient} follows it only as its {@link RedirectPolicy} allows.
     */
    public @Nullable InetSocketAddress suggestedEndpoint() {
        return kind == Kind.SHUTDOWN ? Redirect.parse(message) : null;
    }

    @Override
    public String toString() {
        return kind + (remote ? " (by peer)" : "") + ": " + message;
    }
}
