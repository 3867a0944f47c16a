package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionListener;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/**
 * The listener a {@link DefaultReconnectingClient} gives each of its connections: it forwards every event to the
 * user's listener, tells the client when a connection is ending and when its {@code onClose} has returned, and marks
 * the thread as inside a callback of that client meanwhile, so that {@code close()} from a callback does not wait on
 * itself. Session events reach the user's listener if it is a {@link SessionListener}.
 *
 * @param <M> the type of messages
 */
final class ForwardingListener<M> implements SessionListener<M> {
    private static final Logger log = LoggerFactory.getLogger(ForwardingListener.class);
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

    @Override
    public void onSessionStarted(Connection<M> connection, UUID session) {
        if (listener instanceof SessionListener<M> l) {
            Object outer = enter();
            try {
                l.onSessionStarted(connection, session);
            } finally {
                exit(outer);
            }
        }
    }

    @Override
    public void onResumed(Connection<M> connection, UUID session, long replayedToPeer, long replayedFromPeer) {
        if (listener instanceof SessionListener<M> l) {
            Object outer = enter();
            try {
                l.onResumed(connection, session, replayedToPeer, replayedFromPeer);
            } finally {
                exit(outer);
            }
        }
    }

    @Override
    public void onResumeFailed(Connection<M> connection, UUID session, ResumeFailure reason, List<M> undelivered) {
        if (listener instanceof SessionListener<M> l) {
            Object outer = enter();
            try {
                l.onResumeFailed(connection, session, reason, undelivered);
            } finally {
                exit(outer);
            }
        }
    }

    /** Calls one of the reconnecting client's own listener methods; a throw is logged and ignored. */
    static void notify(String client, String callback, Runnable call) {
        try {
            call.run();
        } catch (Exception e) {
            log.warn("{}: listener.{} threw; ignored", client, callback, e);
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
