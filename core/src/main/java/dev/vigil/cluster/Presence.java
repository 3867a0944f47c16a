package dev.vigil.cluster;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.internal.Validation;
import dev.vigil.internal.presence.DefaultPresence;
import org.jetbrains.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Who is online: connections put under keys of your own (a user id, a device id), seen on this node and, through a
 * {@link Backplane}, on every node of a cluster.
 *
 * <pre>{@code
 * Backplane backplane = Backplane.inMemory();               // or RedisBackplane.builder(uri).build()
 * Presence presence = Presence.builder(backplane)
 *         .linger(Duration.ofSeconds(5))
 *         .listener(event -> log.info("{}", event))
 *         .build();
 * ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.lines())
 *         .presence(presence)                              // sees closes and SUSPECT/ACTIVE changes
 *         .backplane(backplane)                            // broadcast reaches every node
 *         .listener(...)                                   // calls presence.join(connection, "ann") after login
 *         .build();
 * }</pre>
 *
 * <p>One key may hold several connections (a phone and a laptop). A key is {@link PresenceStatus#ONLINE} while one
 * of its connections anywhere is {@link dev.vigil.ConnectionState#ACTIVE}, {@link PresenceStatus#SUSPECT} while all
 * of them are suspect, and goes {@link PresenceStatus#OFFLINE} only when it has had no connection anywhere for the
 * whole {@linkplain Builder#linger linger}, so a reconnect inside the linger never makes it flap. Heartbeats drive it
 * through the manager it is given to: a connection that times out leaves.
 *
 * <p>Thread-safe. Close it after the managers that use it and before its backplane.
 */
public interface Presence extends AutoCloseable {

    /**
     * {@return a builder of presence on this backplane}
     *
     * @param backplane carries this node's entries to the others; {@link Backplane#inMemory()} for one node
     */
    static Builder builder(Backplane backplane) {
        return new Builder(backplane);
    }

    /**
     * {@return whether a connection that ended for this reason closed cleanly: {@code CLOSED_LOCALLY}, {@code
     * SHUTDOWN}, or {@code CLOSED_BY_PEER} with a CLOSE frame ({@link CloseReason#remote()}); see {@link LastWill}}
     *
     * @param reason why it ended
     */
    static boolean isClean(CloseReason reason) {
        return switch (reason.kind()) {
            case CLOSED_LOCALLY, SHUTDOWN -> true;
            case CLOSED_BY_PEER -> reason.remote();
            default -> false;
        };
    }

    /** {@return the id of this node, the backplane's} */
    String nodeId();

    /**
     * Puts an open connection under a key, with no last will. See {@link #join(Connection, String, LastWill)}.
     *
     * @param connection the connection; it must belong to a manager built with {@code .presence(this)}
     * @param key        the key
     */
    void join(Connection<?> connection, String key);

    /**
     * Puts an open connection under a key. A connection holds one key at a time: joining again moves it (its will
     * replaced by this one). A connection that is no longer open is ignored. The connection leaves when it closes
     * (its manager must have been built with {@code .presence(this)}, or nothing tells this presence of the close)
     * or when {@link #leave} is called.
     *
     * @param connection the connection
     * @param key        the key
     * @param will       what to publish if it dies without closing cleanly, or {@code null} for nothing
     */
    void join(Connection<?> connection, String key, @Nullable LastWill will);

    /**
     * Takes a connection out of presence, as a clean close would (its will is dropped). Does nothing if the
     * connection holds no key.
     *
     * @param connection the connection
     */
    void leave(Connection<?> connection);

    /**
     * {@return what this node knows of a key now; {@link KeyPresence#offline} if nothing}
     *
     * @param key the key
     */
    KeyPresence get(String key);

    /** {@return every key that is present now (online, suspect, or lingering), by key} */
    Map<String, KeyPresence> present();

    /**
     * {@return the open connections that hold the key on this node}
     *
     * @param key the key
     */
    List<Connection<?>> localConnections(String key);

    /**
     * Stops: this node's entries are removed from the backplane (the other nodes see its keys leave after their
     * linger), no listener call comes after this returns, and wills not yet due are dropped.
     */
    @Override
    void close();

    /**
     * Configures a {@link Presence}. Not thread-safe; {@link #build()} checks every value at once.
     */
    final class Builder {
        private final Backplane backplane;
        private Duration linger = Duration.ofSeconds(5);
        private PresenceListener listener = event -> {
        };

        private Builder(Backplane backplane) {
            this.backplane = backplane;
        }

        /**
         * Sets how long a key with no connection left anywhere stays reported as present before it is reported
         * {@linkplain PresenceEvent.Type#LEFT left}, and when a last will becomes due. Long enough to ride out a
         * reconnect (a client's reconnect delay plus its connect time); every node uses its own setting for what it
         * reports. Default 5 s.
         *
         * @param linger zero (report at once) or more
         * @return this builder
         */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /**
         * Sets the listener of presence changes. Default: one that ignores them.
         *
         * @param listener the listener; see its contract
         * @return this builder
         */
        public Builder listener(PresenceListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * {@return a started presence: it watches the backplane's entries and runs its timer on a virtual thread}
         *
         * @throws IllegalArgumentException listing every setting that is wrong
         */
        public Presence build() {
            Validation v = new Validation("Presence");
            v.notNull("backplane", backplane);
            v.notNull("listener", listener);
            v.notNegative("linger", linger);
            v.throwIfAny();
            return DefaultPresence.start(backplane, linger, listener);
        }
    }
}
