package dev.vigil.redis.internal;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.jetbrains.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * This node's own presence entries: kept here, written to Redis by the scripts, written again whole when Redis lost
 * them. Writes are issued under one lock, so Redis runs them in the order they were made and a restore never
 * overtakes a later change.
 */
public final class OwnEntries {
    private final String nodeId;
    private final Names names;
    private final RedisAsyncCommands<String, byte[]> redis;
    private final byte[] ttl;
    private final long timeoutNanos;
    private final Runnable resyncSoon;
    private final BiConsumer<String, @Nullable Throwable> dropped;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private boolean closed;

    /**
     * Makes the store.
     *
     * @param resyncSoon called when a write failed or found the node's key gone: everything must be written again
     * @param dropped    told of every write that could not be made
     */
    public OwnEntries(String nodeId, Names names, RedisAsyncCommands<String, byte[]> redis, Duration ttl,
                      Duration timeout, Runnable resyncSoon, BiConsumer<String, @Nullable Throwable> dropped) {
        this.nodeId = nodeId;
        this.names = names;
        this.redis = redis;
        this.ttl = num(ttl.toMillis());
        this.timeoutNanos = timeout.toNanos();
        this.resyncSoon = resyncSoon;
        this.dropped = dropped;
    }

    /** Puts ({@code op} 'p', with a value) or removes ('d') one entry, in Redis and here. Never blocks on Redis. */
    public void change(char op, String key, byte @Nullable [] value) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (op == 'p' && value != null) {
                entries.put(key, value);
            } else if (entries.remove(key) == null) {
                return;
            }
            byte[][] args = {ttl, {(byte) op}, bytes(key), value == null ? new byte[0] : value,
                    bytes(names.presenceChannel()), Frames.diffTail(op, nodeId, key, value), bytes(nodeId)};
            redis.<Long>eval(Scripts.CHANGE, ScriptOutputType.INTEGER, names.scriptKeys(nodeId), args)
                    .whenComplete((version, error) -> {
                        if (error != null) {
                            dropped.accept("presence change of " + key, error);
                            resyncSoon.run(); // written again whole once Redis answers
                        } else if (version == -1L) {
                            resyncSoon.run(); // this node's entries had expired: write them all again
                        }
                    });
        } catch (RuntimeException e) {
            dropped.accept("presence change of " + key, e);
            resyncSoon.run();
        } finally {
            lock.unlock();
        }
    }

    /** Writes every entry again, replacing what Redis has of this node. Blocks until Redis answers. */
    public void restore() throws Exception {
        RedisFuture<Long> done;
        lock.lock();
        try {
            List<byte[]> args = new ArrayList<>(List.of(ttl, bytes(nodeId), bytes(names.presenceChannel()),
                    Frames.diffTail('s', nodeId, null, null)));
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                args.add(bytes(e.getKey()));
                args.add(e.getValue());
            }
            done = redis.eval(Scripts.RESTORE, ScriptOutputType.INTEGER, names.scriptKeys(nodeId),
                    args.toArray(byte[][]::new));
        } finally {
            lock.unlock();
        }
        done.get(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Extends the TTL; returns {@code false} if the node's key was gone (the caller restores). Blocks. */
    public boolean refresh() throws Exception {
        Long alive = redis.<Long>eval(Scripts.REFRESH, ScriptOutputType.INTEGER, names.scriptKeys(nodeId), ttl,
                bytes(nodeId)).get(timeoutNanos, TimeUnit.NANOSECONDS);
        return alive != 0L;
    }

    /** Forgets every entry and deletes this node from Redis, telling the others it left. Blocks. */
    public void leave() throws Exception {
        lock.lock();
        try {
            closed = true;
            entries.clear();
        } finally {
            lock.unlock();
        }
        byte[] gone = Frames.diffTail('g', nodeId, null, null);
        byte[] message = new byte[gone.length + 2];
        message[0] = '0';
        message[1] = ' ';
        System.arraycopy(gone, 0, message, 2, gone.length);
        redis.eval(Scripts.LEAVE, ScriptOutputType.INTEGER, names.scriptKeys(nodeId), bytes(nodeId),
                bytes(names.presenceChannel()), message).get(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] num(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
