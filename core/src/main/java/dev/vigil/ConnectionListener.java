package dev.vigil;

/**
 * Hears what happens to connections. Implement only the methods you need; each has a default that does nothing.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>One at a time, in order.</b> The calls for one connection never overlap and come in the order the events
 *       happened. {@link #onOpen} comes first and once; {@link #onClose} comes last and once; nothing comes after
 *       it. A connection whose handshake fails never opens and gets neither.</li>
 *   <li><b>On virtual threads.</b> {@link #onOpen}, {@link #onMessage} and {@link #onClose} run on the connection's
 *       own reader virtual thread ({@code vigil-conn-42-reader}). State changes that the heartbeat timer detects
 *       (a peer becoming suspect) run on a short-lived virtual thread, after any callback still running for that
 *       connection has returned. Different connections' callbacks run concurrently, so a listener shared by several
 *       connections must be thread-safe.</li>
 *   <li><b>Blocking.</b> A callback may block (a database call, {@link Connection#send} on a full queue): that is
 *       cheap on a virtual thread, but while it blocks, its connection reads nothing, so the peer's PINGs go
 *       unanswered and the peer may judge this side dead if it blocks for longer than the peer's timeout. This side
 *       does not count silence against the peer while its own reader is busy in a callback. Other connections are
 *       not affected.</li>
 *   <li><b>Throwing.</b> An exception thrown by {@link #onOpen}, {@link #onMessage} or {@link #onStateChange} is
 *       logged at WARN and passed to {@link #onError}; the connection stays open and the next message is delivered
 *       as usual. An exception from {@link #onError} or {@link #onClose} is logged and dropped.</li>
 * </ul>
 *
 * @param <M> the type of messages
 */
public interface ConnectionListener<M> {

    /**
     * The handshake completed; the connection is {@link ConnectionState#ACTIVE} and can send.
     *
     * @param connection the connection
     * @implSpec The default does nothing.
     */
    default void onOpen(Connection<M> connection) {
    }

    /**
     * A message arrived.
     *
     * @param connection the connection
     * @param message    the decoded message
     * @implSpec The default does nothing.
     */
    default void onMessage(Connection<M> connection, M message) {
    }

    /**
     * The connection moved between {@link ConnectionState#ACTIVE} and {@link ConnectionState#SUSPECT} (both ways).
     * Opening and closing are reported by {@link #onOpen} and {@link #onClose} instead.
     *
     * @param connection the connection
     * @param from       the state it left
     * @param to         the state it entered
     * @implSpec The default does nothing.
     */
    default void onStateChange(Connection<M> connection, ConnectionState from, ConnectionState to) {
    }

    /**
     * The connection ended. Its socket is closed, every send not yet written has failed with {@code reason}, and no
     * further call comes for it.
     *
     * @param connection the connection
     * @param reason     why it ended
     * @implSpec The default does nothing.
     */
    default void onClose(Connection<M> connection, CloseReason reason) {
    }

    /**
     * Another callback of this listener threw. The connection is still open.
     *
     * @param connection the connection
     * @param error      what the callback threw
     * @implSpec The default does nothing (the error has been logged already).
     */
    default void onError(Connection<M> connection, Throwable error) {
    }
}
