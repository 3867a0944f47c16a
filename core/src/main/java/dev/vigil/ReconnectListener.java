package dev.vigil;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Hears what a {@link ReconnectingClient} does: every connection's events, as a {@link ConnectionListener} does, and
 * every attempt to connect with its outcome. Implement only the methods you need; each has a default that does
 * nothing.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Connection events</b> ({@link #onOpen}, {@link #onMessage}, {@link #onStateChange}, {@link #onClose},
 *       {@link #onError}) keep the {@link ConnectionListener} contract, for each connection the client opens.</li>
 *   <li><b>Attempt events</b> ({@link #onAttempt}, {@link #onAttemptFailed}, {@link #onConnected},
 *       {@link #onGaveUp}) run one at a time, in order, on the client's own virtual thread
 *       ({@code vigil-reconnect-3}). Each {@code onAttempt} is followed by exactly one outcome: {@code onConnected},
 *       {@code onAttemptFailed} (another attempt follows after {@code nextDelay}) or {@code onGaveUp} (none does),
 *       unless {@link ReconnectingClient#close()} cut the attempt short.</li>
 *   <li><b>Between the two.</b> A connection's {@code onOpen} has returned before its {@code onConnected} is
 *       called, and its {@code onClose} has returned before the next {@code onAttempt}. {@code onConnected} may run
 *       at the same time as the new connection's first {@code onMessage}. During {@code onOpen} the client does not
 *       hold the new connection yet: send on the connection passed in, or wait for {@code onConnected}.</li>
 *   <li><b>Blocking.</b> An attempt event that blocks delays the next attempt; it does not hold up any
 *       connection.</li>
 *   <li><b>Throwing.</b> An exception thrown by an attempt event is logged at WARN and dropped; the client carries
 *       on.</li>
 *   <li><b>Closing from a callback.</b> Any callback may call {@link ReconnectingClient#close()}; there it returns
 *       at once and the client finishes closing in the background.</li>
 * </ul>
 *
 * @param <M> the type of messages
 */
public interface ReconnectListener<M> extends ConnectionListener<M> {

    /**
     * An attempt to connect is about to start.
     *
     * @param attempt  the attempt's number within this round, from 1
     * @param endpoint the endpoint it goes to
     * @implSpec The default does nothing.
     */
    default void onAttempt(int attempt, InetSocketAddress endpoint) {
    }

    /**
     * An attempt failed: TCP did not connect, or the handshake failed or timed out. The next attempt, to the next
     * endpoint in turn, follows after {@code nextDelay}.
     *
     * @param attempt   the attempt's number within this round, from 1
     * @param endpoint  the endpoint it went to
     * @param error     why it failed: an {@link java.io.IOException}, a {@link ConnectionClosedException} when the
     *                  handshake failed
     * @param nextDelay the wait before the next attempt, drawn from the {@link ReconnectPolicy}
     * @implSpec The default does nothing.
     */
    default void onAttemptFailed(int attempt, InetSocketAddress endpoint, Throwable error, Duration nextDelay) {
    }

    /**
     * An attempt succeeded: its handshake completed. Called for the client's first connection and for every one
     * after it; {@link ReconnectingClient#current()} returns this connection from now until it ends.
     *
     * @param connection the new connection
     * @param attempts   how many attempts this round took, the successful one included
     * @implSpec The default does nothing.
     */
    default void onConnected(Connection<M> connection, int attempts) {
    }

    /**
     * The last attempt the {@link ReconnectPolicy#maxAttempts()} allows failed; the client is closed. Nothing comes
     * after this call.
     *
     * @param attempts  how many attempts this round made
     * @param lastError why the last one failed
     * @implSpec The default does nothing (the end has been logged at WARN already).
     */
    default void onGaveUp(int attempts, Throwable lastError) {
    }
}
