package dev.vigil.redis.internal;

import dev.vigil.cluster.Backplane;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What this node knows of the other nodes' entries, and how it keeps that true. Pub/sub changes are applied as they
 * come (on the events thread); each carries the node's entry version, so a gap (a lost message) marks the node
 * dirty. The sweep ({@link #sweep}, on the refresh thread, every refresh interval) reads every node's version in one
 * MGET, re-reads the entries of a node whose version moved unseen or that is dirty (version and hash together, in
 * one script), and declares a node whose key has expired gone: its entries vanish for every watcher. During a grace
 * period after this node (re)connects, no node is declared gone: after a Redis restart every node needs one refresh
 * to write itself back.
 */
public final class Directory {
    private static final Logger log = LoggerFactory.getLogger(Directory.class);

    private final String self;
    private final Names names;
    private final RedisAsyncCommands<String, byte[]> redis;
    private final Events events;
    private final long timeoutNanos;
    private final Runnable sweepSoon;
    private final Map<String, Map<String, byte[]>> known = new HashMap<>(); // events thread only
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final List<Backplane.EntryListener> watchers = new CopyOnWriteArrayList<>();
    private volatile long graceUntil;

    /** Makes the directory; nothing happens until changes arrive or {@link #sweep} runs. */
    public Directory(String self, Names names, RedisAsyncCommands<String, byte[]> redis, Events events,
                     Duration timeout, Runnable sweepSoon) {
        this.self = self;
        this.names = names;
        this.redis = redis;
        this.events = events;
        this.timeoutNanos = timeout.toNanos();
        this.sweepSoon = sweepSoon;
    }

    /** Starts a grace period: until {@code until} (a {@link System#nanoTime()}), no node is declared gone. */
    public void graceUntil(long until) {
        graceUntil = until;
    }

    /** Makes the next sweep re-read every node (after a reconnect: changes may have been missed). */
    public void markAllDirty() {
        dirty.addAll(seen.keySet());
    }

    /** Adds a watcher; it first hears every node known now, on the events thread. */
    public Backplane.Subscription watch(Backplane.EntryListener listener) {
        events.submit(() -> {
            watchers.add(listener);
            for (Map.Entry<String, Map<String, byte[]>> e : known.entrySet()) {
                listener.nodeEntries(e.getKey(), Collections.unmodifiableMap(new LinkedHashMap<>(e.getValue())));
            }
        });
        return () -> watchers.remove(listener);
    }

    /** Applies a change from pub/sub. Events thread. */
    public void onDiff(Frames.Diff diff) {
        String node = diff.node();
        if (node.equals(self)) {
            return;
        }
        switch (diff.op()) {
            case 'g' -> gone(node);
            case 's' -> {
                dirty.add(node);
                sweepSoon.run();
            }
            default -> {
                Long last = seen.get(node);
                if (last == null || diff.version() != last + 1) {
                    dirty.add(node); // a gap, or a node not read yet: re-read it whole at the next sweep
                    sweepSoon.run();
                }
                seen.put(node, diff.version());
                Map<String, byte[]> entries = known.computeIfAbsent(node, n -> new LinkedHashMap<>());
                String key = Objects.requireNonNull(diff.key());
                if (diff.value() == null) {
                    if (entries.remove(key) == null) {
                        return;
                    }
                } else {
                    entries.put(key, diff.value());
                }
                for (Backplane.EntryListener w : watchers) {
                    w.entryChanged(node, key, diff.value());
                }
            }
        }
    }

    /**
     * Reads every node's version, re-reads what changed unseen, declares expired nodes gone. Blocks on Redis (each
     * call bounded by the command timeout); throws if Redis cannot be reached, changing nothing.
     */
    public void sweep(long now) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> ids = new LinkedHashSet<>();
        for (byte[] member : await(redis.smembers(names.nodesKey()))) {
            ids.add(new String(member, StandardCharsets.UTF_8));
        }
        ids.addAll(seen.keySet());
        ids.remove(self);
        if (ids.isEmpty()) {
            return;
        }
        List<String> order = new ArrayList<>(ids);
        List<KeyValue<String, byte[]>> versions = await(redis.mget(
                order.stream().map(names::nodeKey).toArray(String[]::new)));
        for (int i = 0; i < order.size(); i++) {
            String node = order.get(i);
            KeyValue<String, byte[]> version = versions.get(i);
            if (!version.hasValue()) {
                if (now - graceUntil >= 0) {
                    Long forgotten = await(redis.eval(Scripts.FORGET, ScriptOutputType.INTEGER,
                            names.scriptKeys(node), bytes(node)));
                    if (forgotten == 1L) {
                        events.submit(() -> gone(node));
                    }
                }
                continue;
            }
            long v = Long.parseLong(new String(version.getValue(), StandardCharsets.US_ASCII));
            if (dirty.contains(node) || !Long.valueOf(v).equals(seen.get(node))) {
                fetch(node);
            }
        }
    }

    private void fetch(String node) throws ExecutionException, InterruptedException, TimeoutException {
        List<Object> reply = await(redis.eval(Scripts.FETCH, ScriptOutputType.MULTI, names.scriptKeys(node)));
        if (reply.isEmpty() || !(reply.get(0) instanceof byte[] versionBytes)) {
            return; // expired between the MGET and now; the next sweep sees it missing
        }
        long version = Long.parseLong(new String(versionBytes, StandardCharsets.US_ASCII));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        if (reply.size() > 1 && reply.get(1) instanceof List<?> pairs) {
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                entries.put(new String((byte[]) pairs.get(i), StandardCharsets.UTF_8), (byte[]) pairs.get(i + 1));
            }
        }
        events.submit(() -> snapshot(node, version, entries));
    }

    private void snapshot(String node, long version, Map<String, byte[]> entries) {
        dirty.remove(node);
        seen.put(node, version);
        known.put(node, entries);
        Map<String, byte[]> view = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        for (Backplane.EntryListener w : watchers) {
            w.nodeEntries(node, view);
        }
    }

    private void gone(String node) {
        seen.remove(node);
        dirty.remove(node);
        if (known.remove(node) != null) {
            log.info("node {} is gone: its entries are removed", node);
            for (Backplane.EntryListener w : watchers) {
                w.nodeEntries(node, Map.of());
            }
        }
    }

    private <T> T await(RedisFuture<T> future)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
