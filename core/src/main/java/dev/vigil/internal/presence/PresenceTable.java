package dev.vigil.internal.presence;

import dev.vigil.cluster.KeyPresence;
import dev.vigil.cluster.PresenceEvent;
import dev.vigil.cluster.PresenceStatus;
import org.jetbrains.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every node's entries, merged per key, and what listeners were told about each key. No threads, no clock: every
 * method that can change something takes {@code now} and returns the events it produced, so linger is tested by
 * passing times. Not thread-safe; {@link DefaultPresence} guards it with its lock.
 *
 * <p>Rules: a key is reported {@link PresenceEvent.Type#JOINED} the moment it has a connection anywhere;
 * {@link PresenceEvent.Type#CHANGED} whenever what {@link KeyPresence} says changes while it has connections; when
 * its last connection goes, it lingers, unreported, and is reported {@link PresenceEvent.Type#LEFT} only by
 * {@link #poll} at or after {@code now + linger}. A key that comes back inside the linger is compared with what was
 * last reported, so an identical return produces no event at all.
 */
final class PresenceTable {

    /** How many connections a node holds under a key, and how many of them are suspect. */
    record Entry(int connections, int suspect) {
        Entry {
            if (connections < 1 || suspect < 0 || suspect > connections) {
                throw new IllegalArgumentException("entry: " + connections + " " + suspect
                        + " (expected: 1 or more connections, 0 to that many suspect)");
            }
        }
    }

    private static final class Key {
        final Map<String, Entry> byNode = new HashMap<>();
        KeyPresence reported;
        long lingerUntil;
        boolean lingering;

        Key(String key) {
            reported = KeyPresence.offline(key);
        }
    }

    private final long lingerNanos;
    private final Map<String, Key> keys = new HashMap<>();
    private final Map<String, Set<String>> keysByNode = new HashMap<>();
    private final Map<String, Key> lingering = new LinkedHashMap<>();

    PresenceTable(long lingerNanos) {
        this.lingerNanos = lingerNanos;
    }

    /** Sets (or with {@code null} removes) one node's entry under a key. */
    List<PresenceEvent> put(String node, String key, @Nullable Entry entry, long now) {
        List<PresenceEvent> out = new ArrayList<>(1);
        putInto(node, key, entry, now, out);
        return out;
    }

    /** Replaces everything known of a node; an empty map means the node is gone. */
    List<PresenceEvent> replaceNode(String node, Map<String, Entry> entries, long now) {
        List<PresenceEvent> out = new ArrayList<>();
        for (String key : new ArrayList<>(keysByNode.getOrDefault(node, Set.of()))) {
            if (!entries.containsKey(key)) {
                putInto(node, key, null, now, out);
            }
        }
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            putInto(node, e.getKey(), e.getValue(), now, out);
        }
        return out;
    }

    /** Reports every key whose linger has ended by {@code now} as left. */
    List<PresenceEvent> poll(long now) {
        List<PresenceEvent> out = new ArrayList<>();
        for (Iterator<Key> it = lingering.values().iterator(); it.hasNext(); ) {
            Key k = it.next();
            if (now - k.lingerUntil >= 0) {
                it.remove();
                String key = k.reported.key();
                out.add(new PresenceEvent(PresenceEvent.Type.LEFT, k.reported, KeyPresence.offline(key)));
                keys.remove(key);
            }
        }
        return out;
    }

    /** {@return the earliest time {@link #poll} has something to do, or {@link Long#MAX_VALUE}} */
    long nextDeadline(long now) {
        long next = Long.MAX_VALUE;
        for (Key k : lingering.values()) {
            long wait = k.lingerUntil - now;
            next = Math.min(next, now + Math.max(0, wait));
        }
        return next;
    }

    /** {@return what is known of the key; a lingering key shows its last reported status with no connections} */
    KeyPresence get(String key) {
        Key k = keys.get(key);
        if (k == null) {
            return KeyPresence.offline(key);
        }
        if (k.lingering) {
            return new KeyPresence(key, k.reported.status(), 0, 0, Set.of());
        }
        return k.reported;
    }

    /** {@return every present key (lingering ones included), as {@link #get} reports it} */
    Map<String, KeyPresence> present() {
        Map<String, KeyPresence> all = new HashMap<>();
        for (String key : keys.keySet()) {
            all.put(key, get(key));
        }
        return all;
    }

    /** {@return the nodes that hold at least one entry} */
    Set<String> nodes() {
        return Set.copyOf(keysByNode.keySet());
    }

    private void putInto(String node, String key, @Nullable Entry entry, long now, List<PresenceEvent> out) {
        Key k = keys.get(key);
        if (entry == null) {
            if (k == null || k.byNode.remove(node) == null) {
                return;
            }
            Set<String> ofNode = keysByNode.get(node);
            if (ofNode != null && ofNode.remove(key) && ofNode.isEmpty()) {
                keysByNode.remove(node);
            }
        } else {
            if (k == null) {
                k = new Key(key);
                keys.put(key, k);
            }
            if (entry.equals(k.byNode.put(node, entry))) {
                return;
            }
            keysByNode.computeIfAbsent(node, n -> new HashSet<>()).add(key);
        }
        update(key, k, now, out);
    }

    private void update(String key, Key k, long now, List<PresenceEvent> out) {
        int connections = 0;
        int suspect = 0;
        Set<String> nodes = new TreeSet<>();
        for (Map.Entry<String, Entry> e : k.byNode.entrySet()) {
            connections += e.getValue().connections();
            suspect += e.getValue().suspect();
            nodes.add(e.getKey());
        }
        if (connections == 0) {
            if (!k.reported.isPresent()) {
                keys.remove(key);
            } else if (!k.lingering) {
                k.lingering = true;
                k.lingerUntil = now + lingerNanos;
                lingering.put(key, k);
                if (lingerNanos == 0) {
                    out.addAll(poll(now));
                }
            }
            return;
        }
        if (k.lingering) {
            k.lingering = false;
            lingering.remove(key);
        }
        PresenceStatus status = suspect == connections ? PresenceStatus.SUSPECT : PresenceStatus.ONLINE;
        KeyPresence current = new KeyPresence(key, status, connections, suspect, nodes);
        if (!k.reported.isPresent()) {
            out.add(new PresenceEvent(PresenceEvent.Type.JOINED, k.reported, current));
        } else if (!current.equals(k.reported)) {
            out.add(new PresenceEvent(PresenceEvent.Type.CHANGED, k.reported, current));
        }
        k.reported = current;
    }
}
