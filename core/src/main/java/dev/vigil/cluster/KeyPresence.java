package dev.vigil.cluster;

import java.util.Objects;
import java.util.Set;

/**
 * What is known of one key at one moment, on the node that asks.
 *
 * <p>While a key lingers (its last connection is gone and the {@linkplain Presence.Builder#linger linger} has not
 * ended), {@link #connections()} is 0 and {@link #status()} is still the status listeners were last told: a key that
 * comes back inside the linger is reported as if it had never left.
 *
 * @param key         the key
 * @param status      online, suspect or offline
 * @param connections how many connections hold the key, on every node together
 * @param suspect     how many of them are {@link dev.vigil.ConnectionState#SUSPECT}
 * @param nodes       the ids of the nodes that hold them (unmodifiable)
 */
public record KeyPresence(String key, PresenceStatus status, int connections, int suspect, Set<String> nodes) {

    /**
     * Checks and copies the components.
     *
     * @throws NullPointerException     if any is null
     * @throws IllegalArgumentException if the counts are negative or {@code suspect} exceeds {@code connections}
     */
    public KeyPresence {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        nodes = Set.copyOf(nodes);
        if (connections < 0 || suspect < 0 || suspect > connections) {
            throw new IllegalArgumentException("connections: " + connections + ", suspect: " + suspect
                    + " (expected: 0 <= suspect <= connections)");
        }
    }

    /**
     * {@return a key that is not present anywhere}
     *
     * @param key the key
     */
    public static KeyPresence offline(String key) {
        return new KeyPresence(key, PresenceStatus.OFFLINE, 0, 0, Set.of());
    }

    /** {@return whether the key is {@link PresenceStatus#ONLINE} or {@link PresenceStatus#SUSPECT}} */
    public boolean isPresent() {
        return status != PresenceStatus.OFFLINE;
    }
}
