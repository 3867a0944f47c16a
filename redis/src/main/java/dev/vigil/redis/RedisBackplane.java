package dev.vigil.redis;

import dev.vigil.cluster.Backplane;
import dev.vigil.redis.internal.Directory;
import dev.vigil.redis.internal.Events;
import dev.vigil.redis.internal.Frames;
import dev.vigil.redis.internal.Names;
import dev.vigil.redis.internal.OwnEntries;
import dev.vigil.redis.internal.Refresher;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Backplane} on Redis, through Lettuce: messages over pub/sub, presence entries in a hash per node that
 * lives as long as the node's key, which carries a time to live that the node refreshes.
 *
 * <pre>{@code
 * try (RedisBackplane backplane = RedisBackplane.builder("redis://127.0.0.1:6379").build()) { ... }
 * }</pre>
 *
 * <h2>What it stores</h2>
 * Per node, under the {@linkplain Builder#namespace namespace} {@code vigil}: {@code vigil:node:<id>} (the node's
 * entry version, with a TTL of {@linkplain Builder#nodeTtl nodeTtl}), {@code vigil:entries:<id>} (a hash of its
 * presence entries, same TTL) and its id in the set {@code vigil:nodes}. Every
 * {@linkplain Builder#refreshInterval refresh interval} a node extends its TTL, and checks every other node's key:
 * a node whose key has expired is gone, and its entries vanish for every watcher. A node that dies without a word
 * is therefore reported gone between {@code nodeTtl} and {@code nodeTtl + refreshInterval} after its last refresh.
 *
 * <h2>Delivery guarantee</h2>
 * Redis pub/sub is <b>at most once</b>, and so is this backplane: a message reaches the nodes subscribed at the
 * moment Redis handles the PUBLISH, once, in the order one node published; a node cut off from Redis at that moment
 * never gets it, and nothing is retried or replayed. While this node is disconnected (a Redis restart, a network
 * cut), {@link #publish} and {@link #send} drop at once and count in {@link #dropped()} (Lettuce is set to reject
 * commands while disconnected, so nothing is queued to arrive late). Presence is different: it is state, not a
 * message. Every entry change carries a version; a node that missed one, or that reconnects, reads the other nodes'
 * entries again, and after a reconnect this node writes all of its own entries again (Redis may have lost them),
 * so presence converges within a refresh interval of Redis being back.
 *
 * <h2>Cost</h2>
 * A message costs one PUBLISH of its payload plus the node id (about 10 bytes), and Redis writes it once to each
 * node's subscriber connection. A presence change costs one EVAL of a small script (HSET or HDEL, INCR, two
 * PEXPIRE, SADD, PUBLISH). A refresh costs one EVAL, one SMEMBERS and one MGET of every node key, plus one read of
 * the entries of each node whose version moved without this node seeing the change.
 *
 * <p>Lettuce reconnects by itself (exponential back-off up to {@linkplain Builder#maxReconnectDelay
 * maxReconnectDelay}) and re-subscribes; this class subscribes again to everything it needs after each reconnect
 * as well. Handlers run on one virtual thread per backplane ({@code vigil-redis-<node>-events}).
 */
public final class RedisBackplane implements Backplane {
    private static final Logger log = LoggerFactory.getLogger(RedisBackplane.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String nodeId;
    private final Names names;
    private final Duration commandTimeout;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> commands;
    private final StatefulRedisPubSubConnection<String, byte[]> pubsub;
    private final Events events;
    private final Directory directory;
    private final Map<String, List<MessageHandler>> handlers = new ConcurrentHashMap<>();
    private final Map<String, String> topicOfChannel = new ConcurrentHashMap<>();
    private final OwnEntries own;
    private final Refresher refresher;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean started;

    private RedisBackplane(Builder b) {
        this.nodeId = b.nodeId;
        this.names = new Names(b.namespace);
        this.commandTimeout = b.commandTimeout;
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), b.maxReconnectDelay, 2,
                        TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(b.uri);
        uri.setTimeout(commandTimeout);
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        this.events = new Events("vigil-redis-" + nodeId + "-events", b.maxQueuedCalls);
        try {
            this.commands = client.connect(CODEC);
            this.pubsub = client.connectPubSub(CODEC);
        } catch (RuntimeException e) {
            events.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.directory = new Directory(nodeId, names, commands.async(), events, commandTimeout, this::sweepSoon);
        this.own = new OwnEntries(nodeId, names, commands.async(), b.nodeTtl, commandTimeout, this::resyncSoon,
                this::drop);
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                onMessage(channel, message);
            }
        });
        RedisConnectionStateListener reconnected = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                reconnected(address);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (!closed) {
                    log.warn("node {}: lost its connection to Redis; reconnecting", nodeId);
                }
            }
        };
        pubsub.addListener(reconnected);
        commands.addListener(reconnected);
        pubsub.sync().subscribe(names.presenceChannel());
        Duration interval = b.refreshInterval != null ? b.refreshInterval : b.nodeTtl.dividedBy(3);
        this.refresher = new Refresher(nodeId, interval, b.nodeTtl, own, directory, this::resubscribe);
        // The first round runs before build() returns, so a Presence made right after sees the cluster at once.
        refresher.runOnce();
        refresher.start();
        started = true;
    }

    /**
     * {@return a builder of a backplane on the Redis at this URI}
     *
     * @param uri a Redis URI as Lettuce reads it, such as {@code redis://127.0.0.1:6379} or
     *            {@code rediss://user:password@host:6380/0}
     */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void publish(String topic, byte[] payload) {
        publishTo(names.topicChannel(topic), payload);
    }

    @Override
    public void send(String nodeId, String topic, byte[] payload) {
        publishTo(names.nodeChannel(nodeId, topic), payload);
    }

    private void publishTo(String channel, byte[] payload) {
        if (closed) {
            drop("closed", null);
            return;
        }
        try {
            commands.async().publish(channel, Frames.message(nodeId, payload))
                    .whenComplete((receivers, error) -> {
                        if (error != null) {
                            drop("publish to " + channel, error);
                        }
                    });
        } catch (RuntimeException e) {
            drop("publish to " + channel, e);
        }
    }

    @Override
    public Subscription subscribe(String topic, MessageHandler handler) {
        List<MessageHandler> list = handlers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
        list.add(handler);
        String all = names.topicChannel(topic);
        String mine = names.nodeChannel(nodeId, topic);
        if (topicOfChannel.putIfAbsent(all, topic) == null) {
            topicOfChannel.put(mine, topic);
            try {
                // Wait for Redis to confirm, so a message published after this returns is heard.
                pubsub.async().subscribe(all, mine).get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                log.warn("node {}: could not subscribe to {} now ({}); subscribing again after the reconnect",
                        nodeId, topic, e.toString());
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return () -> list.remove(handler);
    }

    @Override
    public void putEntry(String key, byte[] value) {
        own.change('p', key, value);
    }

    @Override
    public void removeEntry(String key) {
        own.change('d', key, null);
    }

    @Override
    public Subscription watchEntries(EntryListener listener) {
        return directory.watch(listener);
    }

    @Override
    public long dropped() {
        return dropped.get() + events.dropped();
    }

    /**
     * {@return whether both of this node's connections to Redis (commands and pub/sub) are up now; for a health
     * check: while it is {@code false}, broadcasts reach this node's connections only}
     */
    public boolean isConnected() {
        return commands.isOpen() && pubsub.isOpen();
    }

    /** {@return how many times this node has reconnected to Redis since it started} */
    public long reconnects() {
        return reconnects.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        refresher.close();
        try {
            own.leave();
        } catch (Exception e) {
            log.warn("node {}: could not tell the cluster it is leaving ({}); the others will see its TTL expire",
                    nodeId, e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        events.close();
        pubsub.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    // ---- pub/sub, on Lettuce's thread: parse, then hand to the events thread ----

    private void onMessage(String channel, byte[] message) {
        if (channel.equals(names.presenceChannel())) {
            Frames.Diff diff = Frames.parseDiff(message);
            if (diff != null) {
                events.submit(() -> directory.onDiff(diff));
            } else {
                log.warn("node {}: ignoring a presence message not in Vigil's format", nodeId);
            }
            return;
        }
        String topic = topicOfChannel.get(channel);
        Frames.Message parsed = Frames.parseMessage(message);
        if (topic == null || parsed == null) {
            return;
        }
        events.submit(() -> {
            for (MessageHandler handler : handlers.getOrDefault(topic, List.of())) {
                try {
                    handler.onMessage(topic, parsed.node(), parsed.payload());
                } catch (RuntimeException e) {
                    log.warn("node {}: handler of topic {} threw", nodeId, topic, e);
                }
            }
        });
    }

    private void reconnected(SocketAddress address) {
        if (closed || !started) {
            return; // the first connect
        }
        reconnects.incrementAndGet();
        log.info("node {}: connected to Redis at {} again; subscribing again and rebuilding presence", nodeId,
                address);
        resyncSoon();
    }

    private void resyncSoon() {
        Refresher r = refresher; // null only while the constructor runs: its first round does everything anyway
        if (r != null) {
            r.resyncSoon();
        }
    }

    private void sweepSoon() {
        Refresher r = refresher;
        if (r != null) {
            r.sweepSoon();
        }
    }

    private void resubscribe() throws Exception {
        List<String> channels = new ArrayList<>(topicOfChannel.keySet());
        channels.add(names.presenceChannel());
        pubsub.async().subscribe(channels.toArray(String[]::new)).get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void drop(String what, @Nullable Throwable error) {
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            log.warn("node {}: dropped {} ({} dropped so far): {}", nodeId, what, n,
                    error == null ? "closed" : error.toString());
        }
    }

    @Override
    public String toString() {
        return "RedisBackplane[" + nodeId + " on " + client + "]";
    }

    /**
     * Configures a {@link RedisBackplane}. Not thread-safe; {@link #build()} checks every value and reports all that
     * are wrong at once.
     */
    public static final class Builder {
        private final String uri;
        private String namespace = "vigil";
        private String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
        private Duration nodeTtl = Duration.ofSeconds(10);
        private @Nullable Duration refreshInterval;
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Duration maxReconnectDelay = Duration.ofSeconds(1);
        private int maxQueuedCalls = 65_536;

        private Builder(String uri) {
            this.uri = uri;
        }

        /**
         * Sets the prefix of every Redis key and channel, so that several clusters can share one Redis. Default
         * {@code vigil}.
         *
         * @param namespace letters, digits, {@code . _ -}; 1 to 64 of them
         * @return this builder
         */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /**
         * Sets this node's id, unique in the cluster. Default {@code node-} and 8 random hex digits. A node that
         * restarts under the same id takes over its old entries' place at once instead of waiting for their TTL.
         *
         * @param nodeId letters, digits, {@code . _ -}; 1 to 64 of them
         * @return this builder
         */
        public Builder nodeId(String nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /**
         * Sets how long this node's key and entries live in Redis without a refresh: a node that dies without a
         * word is reported gone by the others between this and this plus the refresh interval later. It must
         * outlast this node's longest pause (a GC, a stalled VM), or the others report its keys gone and back.
         * Default 10 s.
         *
         * @param nodeTtl 100 ms or more
         * @return this builder
         */
        public Builder nodeTtl(Duration nodeTtl) {
            this.nodeTtl = nodeTtl;
            return this;
        }

        /**
         * Sets how often this node extends its TTL and checks the others (less up to 10% of random jitter, so a
         * fleet does not refresh in lockstep). Default a third of {@link #nodeTtl}.
         *
         * @param refreshInterval positive, at most half of {@link #nodeTtl}
         * @return this builder
         */
        public Builder refreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
            return this;
        }

        /**
         * Sets how long a Redis command may take before it counts as failed. Default 2 s.
         *
         * @param commandTimeout positive
         * @return this builder
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        /**
         * Sets the longest wait between two reconnect attempts (Lettuce backs off exponentially from 10 ms).
         * Default 1 s.
         *
         * @param maxReconnectDelay positive
         * @return this builder
         */
        public Builder maxReconnectDelay(Duration maxReconnectDelay) {
            this.maxReconnectDelay = maxReconnectDelay;
            return this;
        }

        /**
         * Sets how many handler calls may wait for the events thread; beyond that, messages are dropped and
         * counted in {@link #dropped()}. Default 65536.
         *
         * @param maxQueuedCalls 1 or more
         * @return this builder
         */
        public Builder maxQueuedCalls(int maxQueuedCalls) {
            this.maxQueuedCalls = maxQueuedCalls;
            return this;
        }

        /**
         * {@return a backplane connected to Redis, its first refresh done}
         *
         * @throws IllegalArgumentException listing every setting that is wrong
         * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
         */
        public RedisBackplane build() {
            List<String> errors = new ArrayList<>();
            check(errors, uri != null && !uri.isBlank(), "uri", uri, "a Redis URI such as redis://127.0.0.1:6379");
            check(errors, namespace != null && namespace.matches("[A-Za-z0-9._-]{1,64}"), "namespace", namespace,
                    "1 to 64 letters, digits, . _ -");
            check(errors, nodeId != null && nodeId.matches("[A-Za-z0-9._-]{1,64}"), "nodeId", nodeId,
                    "1 to 64 letters, digits, . _ -");
            check(errors, nodeTtl != null && nodeTtl.compareTo(Duration.ofMillis(100)) >= 0, "nodeTtl", nodeTtl,
                    "100 ms or more");
            if (refreshInterval != null) {
                check(errors, refreshInterval.isPositive() && (nodeTtl == null
                                || refreshInterval.compareTo(nodeTtl.dividedBy(2)) <= 0), "refreshInterval",
                        refreshInterval, "positive, at most half of nodeTtl " + nodeTtl);
            }
            check(errors, commandTimeout != null && commandTimeout.isPositive(), "commandTimeout", commandTimeout,
                    "longer than zero");
            check(errors, maxReconnectDelay != null && maxReconnectDelay.isPositive(), "maxReconnectDelay",
                    maxReconnectDelay, "longer than zero");
            check(errors, maxQueuedCalls >= 1, "maxQueuedCalls", maxQueuedCalls, "1 or more");
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("RedisBackplane: " + String.join("; ", errors));
            }
            return new RedisBackplane(this);
        }

        private static void check(List<String> errors, boolean ok, String name, @Nullable Object value,
                                  String expected) {
            if (!ok) {
                errors.add(name + ": " + value + " (expected: " + expected + ")");
            }
        }
    }
}
