package dev.vigil.internal.presence;

import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.MessageCodec;
import dev.vigil.cluster.Backplane;
import dev.vigil.cluster.Presence;

/** Where {@link ConnectionManager.Builder} plugs presence and a backplane into a manager. */
public final class PresenceHooks {
    private PresenceHooks() {
    }

    /**
     * {@return whether the presence is one this package can watch connections for}
     *
     * @param presence a presence
     */
    public static boolean accepts(Presence presence) {
        return presence instanceof DefaultPresence;
    }

    /**
     * {@return the user's listener, with the presence told of every close and ACTIVE/SUSPECT change first}
     *
     * @param presence one that {@link #accepts}
     * @param listener the user's listener
     * @param <M>      the type of messages
     */
    public static <M> ConnectionListener<M> observe(Presence presence, ConnectionListener<M> listener) {
        return new PresenceAwareListener<>((DefaultPresence) presence, listener);
    }

    /**
     * {@return the manager, with broadcast going to every node of the backplane}
     *
     * @param manager   the manager
     * @param codec     its codec, to carry messages as bytes
     * @param backplane the backplane
     * @param <M>       the type of messages
     */
    public static <M> ConnectionManager<M> clustered(ConnectionManager<M> manager, MessageCodec<M> codec,
                                                     Backplane backplane) {
        return new ClusteredConnectionManager<>(manager, codec, backplane);
    }
}
