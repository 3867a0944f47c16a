package dev.vigil.cluster;

import java.util.Objects;

/**
 * One change of one key, as a diff: what listeners were told before, and what is true now.
 *
 * @param type   joined, changed or left
 * @param before the key as last reported ({@link KeyPresence#offline} for {@link Type#JOINED})
 * @param after  the key now ({@link KeyPresence#offline} for {@link Type#LEFT})
 */
public record PresenceEvent(Type type, KeyPresence before, KeyPresence after) {

    /** The kinds of change. */
    public enum Type {
        /** The key was offline and now has a connection somewhere. */
        JOINED,
        /**
         * The key stays present, and its status, its number of connections, its number of suspect connections or
         * its set of nodes changed.
         */
        CHANGED,
        /** The key has had no connection anywhere for the whole linger. */
        LEFT
    }

    /**
     * Checks the components.
     *
     * @throws NullPointerException     if any is null
     * @throws IllegalArgumentException if the keys differ
     */
    public PresenceEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        if (!before.key().equals(after.key())) {
            throw new IllegalArgumentException("before.key: " + before.key() + " (expected: after.key "
                    + after.key() + ")");
        }
    }

    /** {@return the key that changed} */
    public String key() {
        return after.key();
    }
}
