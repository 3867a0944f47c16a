package dev.vigil.cluster;

import dev.vigil.internal.presence.InMemoryHub;

import org.jetbrains.annotations.Nullable;

import java.util.Map;

/**
 * What carries messages and presence between the nodes of a cluster: publish to a topic, publish to one node,
 * subscribe, and presence entries that each node keeps for as long as it lives. Implemented by
 * {@link #inMemory()} for one node and by {@code dev.vigil.redis.RedisBackplane} for many; a user needs it only to
 * pass it to {@link dev.vigil.ConnectionManager.Builder#backplane} and {@link Presence.Builder#backplane}, or to
 * publish messages of their own.
 *
 * <h2>Contract for implementations</h2>
 * <ul>
 *   <li><b>At most once.</b> A message is delivered to each subscribed node at most once, in the order one node
 *       published it; it may be lost (a node disconnected from the transport misses what was published meanwhile).
 *       {@link #publish} and {@link #send} never block and never throw for a transport failure: they drop the
 *       message and count it in {@link #dropped()}.</li>
 *   <li><b>Own messages too.</b> A node's subscribers hear what the node itself published, like any other node's.
 *       {@link MessageHandler#onMessage} names the node that published, so a handler can skip its own.</li>
 *   <li><b>Entries live with their node.</b> {@link #putEntry} stores a value under a key for this node and keeps
 *       it (restoring it after a reconnect) until {@link #removeEntry} or {@link #close}. When a node dies without a
 *       word its entries vanish within the implementation's node time to live, and every surviving node's
 *       {@link EntryListener} hears {@link EntryListener#nodeEntries} with an empty map.</li>
 *   <li><b>Callbacks.</b> Handlers and entry listeners are called one at a time per backplane, on a thread of the
 *       implementation; they must return quickly (hand work to a thread of your own). An exception they throw is
 *       logged and dropped.</li>
 * </ul>
 */
public interface Backplane extends AutoCloseable {

    /**
     * {@return a backplane for one node in this JVM: messages go to this node's own subscribers, entries stay in
     * memory; nothing is ever lost or delayed}
     */
    static Backplane inMemory() {
        return new InMemoryHub().node("local");
    }

    /** {@return this node's id, unique in the cluster} */
    String nodeId();

    /**
     * Publishes a message to the subscribers of {@code topic} on every node, this one included. Returns at once.
     *
     * @param topic   the topic
     * @param payload the message; not copied, so do not change it afterwards
     */
    void publish(String topic, byte[] payload);

    /**
     * Publishes a message to the subscribers of {@code topic} on one node only. Returns at once; a message to a node
     * that does not exist is dropped without a word.
     *
     * @param nodeId  the node, as {@link #nodeId()} names it there
     * @param topic   the topic
     * @param payload the message; not copied
     */
    void send(String nodeId, String topic, byte[] payload);

    /**
     * Subscribes to a topic, for what {@link #publish} sends to every node and {@link #send} to this one.
     *
     * @param topic   the topic
     * @param handler hears each message
     * @return the subscription; closing it stops the messages
     */
    Subscription subscribe(String topic, MessageHandler handler);

    /**
     * Stores or replaces this node's presence entry under a key.
     *
     * @param key   the key
     * @param value the value; not copied
     */
    void putEntry(String key, byte[] value);

    /**
     * Removes this node's presence entry under a key; does nothing if there is none.
     *
     * @param key the key
     */
    void removeEntry(String key);

    /**
     * Watches every node's entries. The listener first hears {@link EntryListener#nodeEntries} for every node known
     * now, then each change. Entries of this node itself may be reported too; a watcher that tracks its own node
     * directly ignores them.
     *
     * @param listener hears the entries
     * @return the subscription; closing it stops the calls
     */
    Subscription watchEntries(EntryListener listener);

    /**
     * {@return how many messages and entry updates were dropped so far because the transport was unreachable}
     */
    long dropped();

    /** Leaves the cluster: this node's entries are removed at once (other nodes hear it), subscriptions end. */
    @Override
    void close();

    /** Hears messages of one topic. */
    @FunctionalInterface
    interface MessageHandler {
        /**
         * A message arrived.
         *
         * @param topic    the topic it was published to
         * @param fromNode the node that published it (possibly this one)
         * @param payload  the message
         */
        void onMessage(String topic, String fromNode, byte[] payload);
    }

    /** Hears presence entries of every node. */
    interface EntryListener {
        /**
         * A node's entry under a key was put or removed.
         *
         * @param nodeId the node
         * @param key    the key
         * @param value  the new value, or {@code null} if the entry was removed
         */
        void entryChanged(String nodeId, String key, byte @Nullable [] value);

        /**
         * All of a node's entries, replacing whatever was known of it: after a resynchronisation, or empty when the
         * node left or died.
         *
         * @param nodeId  the node
         * @param entries every entry it holds now (unmodifiable); empty if the node is gone
         */
        void nodeEntries(String nodeId, Map<String, byte[]> entries);
    }

    /** A subscription or a watch; closing it stops its calls. */
    interface Subscription extends AutoCloseable {
        /** Stops the calls. Calling it again does nothing. */
        @Override
        void close();
    }
}
