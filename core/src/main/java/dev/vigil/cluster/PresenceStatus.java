package dev.vigil.cluster;

/** How a key is present, across every node that holds one of its connections. */
public enum PresenceStatus {
    /** At least one of the key's connections is {@link dev.vigil.ConnectionState#ACTIVE}. */
    ONLINE,
    /**
     * Every connection of the key is {@link dev.vigil.ConnectionState#SUSPECT}: the peers have been silent past
     * their heartbeat policy's suspect point, and none is known dead yet.
     */
    SUSPECT,
    /** The key has no connection anywhere, and its linger is over. */
    OFFLINE
}
