package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;
import org.jetbrains.annotations.Nullable;

/**
 * The listener a {@link DefaultReconnectingClient} gives each of its connections: it forwards every event to the
 * user's listener, tells the client when a connection is ending and when its {@code onClose} has returned, and marks
 * the thread as inside a callback of that client meanwhile, so that {@code close()} from a callback does not wait on
 * itself.
 *
 * @param <M> the type of messages
 */
final class ForwardingListener<M> implements ConnectionListener<M> {
    /** The client whose connection callback this thread is running. */
    private static final ThreadLocal<Object> IN_CALLBACK = new ThreadLocal<>();

    /** What the client hears of a connection's end. */
    interface Ends<M> {
        /** The connection ended, before the user hears of it. */
        void ending(Connection<M> connection, CloseReason reason);

        /** The user's {@code onClose} has returned (or thrown). */
        void ended(Connection<M> connection);
    }

    private final Object client;
    private final ConnectionListener<M> listener;
    private final Ends<M> ends;

    /**
     * @param client   the client the connections belong to, as {@link #inCallbackOf} will be asked about it
     * @param listener the user's listener
     * @param ends     told of each connection's end
     */
    ForwardingListener(Object client, ConnectionListener<M> listener, Ends<M> ends) {
        this.client = client;
        this.listener = listener;
        this.ends = ends;
    }

    /** {@return whether the current thread is running a connection callback of {@code client}} */
    static boolean inCallbackOf(Object client) {
        return IN_CALLBACK.get() == client;
    }

    @Override
    public void onOpen(Connection<M> connection) {
        Object outer = enter();
        try {
            listener.onOpen(connection);
        } finally {
            exit(outer);
        }
    }

    @Override
    public void onMessage(Connection<M> connection, M message) {
        Object outer = enter();
        try {
            listener.onMessage(connection, message);
        } finally {
            exit(outer);
        }
    }

    @Override
    public void onStateChange(Connection<M> connection, ConnectionState from, ConnectionState to) {
        Object outer = enter();
        try {
            listener.onStateChange(connection, from, to);
        } finally {
            exit(outer);
        }
    }

    @Override
    public void onError(Connection<M> connection, Throwable error) {
        Object outer = enter();
        try {
            listener.onError(connection, error);
        } finally {
            exit(outer);
        }
    }

    @Override
    public void onClose(Connection<M> connection, CloseReason reason) {
        ends.ending(connection, reason);
        Object outer = enter();
        try {
            listener.onClose(connection, reason);
        } finally {
            exit(outer);
            ends.ended(connection);
        }
    }

    private @Nullable Object enter() {
        Object outer = IN_CALLBACK.get();
        IN_CALLBACK.set(client);
        return outer;
    }

    private static void exit(@Nullable Object outer) {
        if (outer == null) {
            IN_CALLBACK.remove();
        } else {
            IN_CALLBACK.set(outer);
        }
    }
}
