package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionManager;
import dev.vigil.Delivery;
import dev.vigil.SessionPolicy;
import dev.vigil.internal.conn.SessionSends;
import dev.vigil.internal.session.ClientSession;
import org.jetbrains.annotations.Nullable;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What a {@link DefaultReconnectingClient} does with a send while it has no connection, and why it has none. Without
 * sessions the send fails at once with the reason; with them it is held in the client's one session, bounded by the
 * replay buffer, and written on the next connection after the replay (a send that does not fit fails at once, and the
 * next resume then fails with {@code REPLAY_OVERFLOW}, handing back what the server did not deliver).
 */
final class BetweenConnections {
    private BetweenConnections() {
    }

    /**
     * While disconnected, on the client's ticker: hands every held message back (fails its futures, logged once)
     * when the oldest has waited longer than {@link SessionPolicy#replayAge()}, rather than at the next attempt.
     *
     * @param held the client's sessions, or null without them
     * @param now  the ticker's time
     * @param name the client's name, for the log
     * @return the nanoseconds to wait at most before looking again
     */
    static long ageOut(SessionSends.@Nullable Shared<?> held, long now, String name) {
        if (held == null) {
            return Long.MAX_VALUE;
        }
        String aged = held.ageOut(now);
        if (aged != null) {
            LoggerFactory.getLogger(DefaultReconnectingClient.class).warn("{}: {}", name, aged);
        }
        return held.untilTooOld(now);
    }

    /** {@return the client's one session, shared by every connection its manager makes; null without sessions} */
    static <M> SessionSends.@Nullable Shared<M> share(ConnectionManager<M> manager, Ticker ticker) {
        Settings<M> settings = Managers.settings(manager);
        SessionPolicy policy = settings.sessions();
        if (policy == null || settings.codec().framing() == dev.vigil.MessageCodec.Framing.LINES) {
            return null;
        }
        SessionSends.Shared<M> shared = new SessionSends.Shared<>(new ClientSession<>(policy), settings.codec(),
                ticker::nanoTime);
        Managers.shareSessions(manager, shared);
        return shared;
    }

    static <M> CompletableFuture<Void> send(SessionSends.@Nullable Shared<M> held, CloseReason why, M message) {
        return held != null ? held.hold(message).written()
                : CompletableFuture.failedFuture(new ConnectionClosedException(why));
    }

    static <M> Delivery confirmed(SessionSends.@Nullable Shared<M> held, Function<M, CompletableFuture<Void>> send,
                                  M message) {
        return held != null ? held.hold(message) : SessionSends.unconfirmed(send.apply(message));
    }

    static CloseReason notConnected(String what, Throwable error) {
        if (error instanceof ConnectionClosedException closed) {
            CloseReason reason = closed.reason();
            return new CloseReason(reason.kind(), reason.remote(), "not connected: " + what + ": " + reason.message(),
                    error);
        }
        return new CloseReason(CloseReason.Kind.IO_ERROR, false, "not connected: " + what + ": " + error, error);
    }
}
