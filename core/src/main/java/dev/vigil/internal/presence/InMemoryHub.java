package dev.vigil.internal.presence;

import dev.vigil.cluster.Backplane;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Backplanes in one JVM: every node made by one hub sees the others, nothing is lost, everything is delivered on the
 * caller's thread before the call returns, one call at a time (under the hub's lock). {@link Backplane#inMemory()}
 * is a hub with one node; tests make hubs of several.
 */
public final class InMemoryHub {
    private static final Logger log = LoggerFactory.getLogger(InMemoryHub.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    /**
     * {@return a new node on this hub}
     *
     * @param id its id, unique on this hub
     * @throws IllegalArgumentException if a node of that id is already on the hub
     */
    public Backplane node(String id) {
        lock.lock();
        try {
            if (nodes.containsKey(id)) {
                throw new IllegalArgumentException("nodeId: " + id + " (expected: not already on this hub)");
            }
            Node node = new Node(id);
            nodes.put(id, node);
            return node;
        } finally {
            lock.unlock();
        }
    }

    private final class Node implements Backplane {
        private final String id;
        private final Map<String, List<MessageHandler>> topics = new HashMap<>();
        private final Map<String, byte[]> entries = new LinkedHashMap<>();
        private final List<EntryListener> watchers = new CopyOnWriteArrayList<>();
        private boolean closed;

        Node(String id) {
            this.id = id;
        }

        @Override
        public String nodeId() {
            return id;
        }

        @Override
        public void publish(String topic, byte[] payload) {
            lock.lock();
            try {
                for (Node node : List.copyOf(nodes.values())) {
                    node.deliver(topic, id, payload);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void send(String nodeId, String topic, byte[] payload) {
            lock.lock();
            try {
                Node node = nodes.get(nodeId);
                if (node != null) {
                    node.deliver(topic, id, payload);
                }
            } finally {
                lock.unlock();
            }
        }

        private void deliver(String topic, String from, byte[] payload) {
            for (MessageHandler handler : List.copyOf(topics.getOrDefault(topic, List.of()))) {
                try {
                    handler.onMessage(topic, from, payload);
                } catch (RuntimeException e) {
                    log.warn("handler of topic {} on node {} threw", topic, id, e);
                }
            }
        }

        @Override
        public Subscription subscribe(String topic, MessageHandler handler) {
            lock.lock();
            try {
                topics.computeIfAbsent(topic, t -> new ArrayList<>()).add(handler);
            } finally {
                lock.unlock();
            }
            return () -> {
                lock.lock();
                try {
                    List<MessageHandler> handlers = topics.get(topic);
                    if (handlers != null) {
                        handlers.remove(handler);
                    }
                } finally {
                    lock.unlock();
                }
            };
        }

        @Override
        public void putEntry(String key, byte[] value) {
            change(key, value);
        }

        @Override
        public void removeEntry(String key) {
            change(key, null);
        }

        private void change(String key, byte @Nullable [] value) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                byte[] old = value == null ? entries.remove(key) : entries.put(key, value);
                if (value == null && old == null) {
                    return;
                }
                for (Node node : List.copyOf(nodes.values())) {
                    if (node != this) {
                        for (EntryListener watcher : node.watchers) {
                            call(() -> watcher.entryChanged(id, key, value));
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Subscription watchEntries(EntryListener listener) {
            lock.lock();
            try {
                watchers.add(listener);
                for (Node node : List.copyOf(nodes.values())) {
                    if (node != this && !node.entries.isEmpty()) {
                        Map<String, byte[]> copy = Map.copyOf(node.entries);
                        call(() -> listener.nodeEntries(node.id, copy));
                    }
                }
            } finally {
                lock.unlock();
            }
            return () -> watchers.remove(listener);
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                nodes.remove(id);
                topics.clear();
                entries.clear();
                for (Node node : List.copyOf(nodes.values())) {
                    for (EntryListener watcher : node.watchers) {
                        call(() -> watcher.nodeEntries(id, Map.of()));
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        private void call(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("entry listener on node {} threw", id, e);
            }
        }

        @Override
        public String toString() {
            return "InMemoryBackplane[" + id + "]";
        }
    }
}
