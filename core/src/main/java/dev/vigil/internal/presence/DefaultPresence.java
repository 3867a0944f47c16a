package dev.vigil.internal.presence;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionState;
import dev.vigil.cluster.Backplane;
import dev.vigil.cluster.KeyPresence;
import dev.vigil.cluster.LastWill;
import dev.vigil.cluster.Presence;
import dev.vigil.cluster.PresenceEvent;
import dev.vigil.cluster.PresenceListener;
import dev.vigil.internal.Ticker;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The presence tracker: this node's connections by key, fed into a {@link PresenceTable} together with what the
 * backplane says of the other nodes. Three kinds of threads call in: a connection's own threads ({@link #join},
 * {@link #closed}, {@link #stateChanged}), the backplane's (entry changes), and its own timer (linger ends, wills).
 * All of them change state under one lock and only queue events there; listener calls happen on the events thread,
 * backplane writes after the lock is released, in the order of a second lock so that the last write is always the
 * latest state.
 */
public final class DefaultPresence implements Presence {
    private static final Logger log = LoggerFactory.getLogger(DefaultPresence.class);

    private record Tracked(Connection<?> connection, String key, @Nullable LastWill will, boolean suspect) {
    }

    private record PendingWill(String key, LastWill will, long due) {
    }

    private final Backplane backplane;
    private final String self;
    private final long lingerNanos;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final PresenceTable table;
    private final Map<Long, Tracked> tracked = new HashMap<>();
    private final Map<String, Set<Long>> localByKey = new HashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final List<PendingWill> wills = new ArrayList<>();
    private final EventQueue events;
    private Backplane.@Nullable Subscription watch;
    private @Nullable Thread timer;
    private boolean closed;
    private boolean woken;

    /** Starts a presence with its own threads; see {@link Presence.Builder#build()}. */
    public static Presence start(Backplane backplane, Duration linger, PresenceListener listener) {
        DefaultPresence p = new DefaultPresence(backplane, linger, listener, Ticker.SYSTEM, true);
        p.timer = Thread.ofVirtual().name("vigil-presence-" + p.self + "-timer")
                .uncaughtExceptionHandler((t, e) -> log.error("uncaught exception in {}", t.getName(), e))
                .start(p::timerLoop);
        return p;
    }

    /**
     * Makes a presence; with {@code threaded} false no thread is started, listener calls happen on the caller's
     * thread at the end of each call, and time moves only when the caller calls {@link #runDue()}.
     */
    DefaultPresence(Backplane backplane, Duration linger, PresenceListener listener, Ticker ticker,
                    boolean threaded) {
        this.backplane = backplane;
        this.self = backplane.nodeId();
        this.lingerNanos = linger.toNanos();
        this.ticker = ticker;
        this.table = new PresenceTable(lingerNanos);
        this.events = new EventQueue(listener, threaded, "vigil-presence-" + self + "-events");
        this.watch = backplane.watchEntries(new Backplane.EntryListener() {
            @Override
            public void entryChanged(String nodeId, String key, byte @Nullable [] value) {
                remoteEntry(nodeId, key, value);
            }

            @Override
            public void nodeEntries(String nodeId, Map<String, byte[]> entries) {
                remoteNode(nodeId, entries);
            }
        });
        events.deliverInline();
    }

    @Override
    public String nodeId() {
        return self;
    }

    @Override
    public void join(Connection<?> connection, String key) {
        join(connection, key, null);
    }

    @Override
    public void join(Connection<?> connection, String key, @Nullable LastWill will) {
        if (!connection.state().isOpen()) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Tracked old = tracked.get(connection.id());
            if (old != null) {
                untrack(old);
            }
            track(new Tracked(connection, key, will, connection.state() == ConnectionState.SUSPECT));
        } finally {
            lock.unlock();
        }
        // A close that raced with this join may have found nothing to remove: check after, so one of the two sees it.
        if (!connection.state().isOpen()) {
            CloseReason reason = connection.closeReason();
            closed(connection, reason != null ? reason
                    : CloseReason.local(CloseReason.Kind.CLOSED_LOCALLY, "closed while joining"));
        } else {
            afterChange();
        }
    }

    @Override
    public void leave(Connection<?> connection) {
        closed(connection, CloseReason.local(CloseReason.Kind.CLOSED_LOCALLY, "left presence"));
    }

    /** The connection ended: it leaves its key; its will becomes due after the linger unless it closed cleanly. */
    void closed(Connection<?> connection, CloseReason reason) {
        lock.lock();
        try {
            Tracked t = tracked.get(connection.id());
            if (t == null) {
                return;
            }
            untrack(t);
            if (t.will() != null && !Presence.isClean(reason)) {
                wills.add(new PendingWill(t.key(), t.will(), ticker.nanoTime() + lingerNanos));
                log.debug("{} under {} closed uncleanly ({}); its will is due in {} ms unless the key comes back",
                        connection, t.key(), reason, TimeUnit.NANOSECONDS.toMillis(lingerNanos));
            }
        } finally {
            lock.unlock();
        }
        afterChange();
    }

    /** The connection moved between ACTIVE and SUSPECT. */
    void stateChanged(Connection<?> connection, ConnectionState to) {
        lock.lock();
        try {
            Tracked t = tracked.get(connection.id());
            boolean suspect = to == ConnectionState.SUSPECT;
            if (t == null || t.suspect() == suspect || !to.isOpen()) {
                return;
            }
            untrack(t);
            track(new Tracked(connection, t.key(), t.will(), suspect));
        } finally {
            lock.unlock();
        }
        afterChange();
    }

    @Override
    public KeyPresence get(String key) {
        lock.lock();
        try {
            return table.get(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, KeyPresence> present() {
        lock.lock();
        try {
            return Map.copyOf(table.present());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Connection<?>> localConnections(String key) {
        lock.lock();
        try {
            List<Connection<?>> all = new ArrayList<>();
            for (long id : localByKey.getOrDefault(key, Set.of())) {
                all.add(tracked.get(id).connection());
            }
            return List.copyOf(all);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Does what is due by now: reports keys whose linger ended, publishes wills that became due (outside the lock).
     *
     * @return the next time something will be due, or {@link Long#MAX_VALUE}
     */
    long runDue() {
        List<LastWill> publish = new ArrayList<>();
        long next;
        lock.lock();
        try {
            woken = false;
            long now = ticker.nanoTime();
            events.addAll(table.poll(now));
            next = table.nextDeadline(now);
            for (Iterator<PendingWill> it = wills.iterator(); it.hasNext(); ) {
                PendingWill w = it.next();
                if (now - w.due() >= 0) {
                    it.remove();
                    if (table.get(w.key()).connections() == 0) {
                        publish.add(w.will());
                    } else {
                        log.debug("will of {} dropped: the key came back", w.key());
                    }
                } else {
                    next = Math.min(next, w.due());
                }
            }
        } finally {
            lock.unlock();
        }
        for (LastWill will : publish) {
            backplane.publish(will.topic(), will.payload());
        }
        events.deliverInline();
        return next;
    }

    @Override
    public void close() {
        List<String> mine;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            mine = new ArrayList<>(localByKey.keySet());
            tracked.clear();
            localByKey.clear();
            dirty.clear();
            wills.clear();
            signal();
        } finally {
            lock.unlock();
        }
        Backplane.Subscription w = watch;
        if (w != null) {
            w.close();
        }
        writeLock.lock();
        try {
            for (String key : mine) {
                backplane.removeEntry(key);
            }
        } finally {
            writeLock.unlock();
        }
        Thread t = timer;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
        events.close();
    }

    // ---- under the lock ----

    private void signal() {
        woken = true;
        wake.signalAll();
    }

    private void track(Tracked t) {
        tracked.put(t.connection().id(), t);
        localByKey.computeIfAbsent(t.key(), k -> new LinkedHashSet<>()).add(t.connection().id());
        recompute(t.key());
    }

    private void untrack(Tracked t) {
        tracked.remove(t.connection().id());
        Set<Long> ids = localByKey.get(t.key());
        if (ids != null && ids.remove(t.connection().id()) && ids.isEmpty()) {
            localByKey.remove(t.key());
        }
        recompute(t.key());
    }

    private void recompute(String key) {
        events.addAll(table.put(self, key, localEntry(key), ticker.nanoTime()));
        dirty.add(key);
        signal();
    }

    private PresenceTable.@Nullable Entry localEntry(String key) {
        Set<Long> ids = localByKey.get(key);
        if (ids == null || ids.isEmpty()) {
            return null;
        }
        int suspect = 0;
        for (long id : ids) {
            if (tracked.get(id).suspect()) {
                suspect++;
            }
        }
        return new PresenceTable.Entry(ids.size(), suspect);
    }

    // ---- from the backplane ----

    private void remoteEntry(String node, String key, byte @Nullable [] value) {
        if (node.equals(self)) {
            return;
        }
        PresenceTable.Entry entry = value == null ? null : EntryCodec.decode(node, key, value);
        lock.lock();
        try {
            if (!closed) {
                events.addAll(table.put(node, key, entry, ticker.nanoTime()));
                signal();
            }
        } finally {
            lock.unlock();
        }
        events.deliverInline();
    }

    private void remoteNode(String node, Map<String, byte[]> entries) {
        if (node.equals(self)) {
            return;
        }
        Map<String, PresenceTable.Entry> decoded = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            PresenceTable.Entry entry = EntryCodec.decode(node, e.getKey(), e.getValue());
            if (entry != null) {
                decoded.put(e.getKey(), entry);
            }
        }
        lock.lock();
        try {
            if (!closed) {
                events.addAll(table.replaceNode(node, decoded, ticker.nanoTime()));
                signal();
            }
        } finally {
            lock.unlock();
        }
        events.deliverInline();
    }

    // ---- outside the lock ----

    /** Writes this node's changed entries to the backplane (latest state wins), then delivers inline events. */
    private void afterChange() {
        writeLock.lock();
        try {
            Map<String, PresenceTable.@Nullable Entry> writes = new LinkedHashMap<>();
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                for (String key : dirty) {
                    writes.put(key, localEntry(key));
                }
                dirty.clear();
            } finally {
                lock.unlock();
            }
            for (Map.Entry<String, PresenceTable.@Nullable Entry> w : writes.entrySet()) {
                PresenceTable.Entry entry = w.getValue();
                if (entry == null) {
                    backplane.removeEntry(w.getKey());
                } else {
                    backplane.putEntry(w.getKey(), EntryCodec.encode(entry));
                }
            }
        } finally {
            writeLock.unlock();
        }
        events.deliverInline();
    }

    private void timerLoop() {
        while (true) {
            long next;
            try {
                next = runDue();
            } catch (RuntimeException e) {
                log.error("presence timer of node {} failed; it goes on", self, e);
                next = ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            }
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                long wait = next == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : next - ticker.nanoTime();
                if (wait > 0 && !woken) {
                    wake.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "Presence[" + self + "]";
    }
}
