package dev.vigil.internal.conn;

import dev.vigil.SessionPolicy;
import dev.vigil.internal.session.ClientSession;
import dev.vigil.internal.session.SessionTable;

import java.util.random.RandomGenerator;

/** Session links for connections without a manager: vigil-testing's embedded connection. */
public final class SessionLinks {
    private SessionLinks() {
    }

    /**
     * A connection's session part as a manager with {@code policy} would give it: a client's with a fresh session,
     * or a server's with a session table of its own (nobody expires what lingers in it).
     *
     * @param policy the session policy
     * @param client whether the connection is the client side
     * @param random where a server's session ids and epoch come from
     * @param <M>    the type of messages
     * @return the link, to attach before the connection starts
     */
    public static <M> SessionLink<M> standalone(SessionPolicy policy, boolean client, RandomGenerator random) {
        return client ? SessionLink.client(new ClientSession<>(policy))
                : SessionLink.server(new SessionTable<>(policy, random), () -> { });
    }
}
