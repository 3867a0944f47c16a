package dev.vigil.internal.presence;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's listener with presence watching: closes and ACTIVE/SUSPECT changes reach the presence first, then the
 * user's listener (so that {@code presence.localConnections} is already up to date there). Everything else passes
 * straight through; the listener contract is the user's, unchanged.
 *
 * @param <M> the type of messages
 */
final class PresenceAwareListener<M> implements ConnectionListener<M> {
    private static final Logger log = LoggerFactory.getLogger(PresenceAwareListener.class);

    private final DefaultPresence presence;
    private final ConnectionListener<M> user;

    PresenceAwareListener(DefaultPresence presence, ConnectionListener<M> user) {
        this.presence = presence;
        this.user = user;
    }

    @Override
    public void onOpen(Connection<M> connection) {
        user.onOpen(connection);
    }

    @Override
    public void onMessage(Connection<M> connection, M message) {
        user.onMessage(connection, message);
    }

    @Override
    public void onStateChange(Connection<M> connection, ConnectionState from, ConnectionState to) {
        try {
            presence.stateChanged(connection, to);
        } catch (RuntimeException e) {
            log.error("presence failed to see {} turn {}", connection, to, e);
        }
        user.onStateChange(connection, from, to);
    }

    @Override
    public void onClose(Connection<M> connection, CloseReason reason) {
        try {
            presence.closed(connection, reason);
        } catch (RuntimeException e) {
            log.error("presence failed to see {} close", connection, e);
        }
        user.onClose(connection, reason);
    }

    @Override
    public void onError(Connection<M> connection, Throwable error) {
        user.onError(connection, error);
    }
}
