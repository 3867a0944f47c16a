package dev.vigil.redis.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The refresh thread of one node ({@code vigil-redis-<node>-refresh}): every refresh interval, less up to 10% of
 * random jitter, it extends this node's TTL (writing its entries again if Redis lost them) and sweeps the other
 * nodes; after a reconnect it first subscribes again and writes everything again. A failed round changes nothing and
 * is tried again next time; nothing stops the loop but {@link #close()}.
 */
public final class Refresher {
    private static final Logger log = LoggerFactory.getLogger(Refresher.class);

    /** Subscribes again to every channel the node needs. */
    @FunctionalInterface
    public interface Resubscribe {
        /** Subscribes; blocks until Redis confirms. */
        void run() throws Exception;
    }

    private final String nodeId;
    private final long intervalNanos;
    private final long ttlNanos;
    private final OwnEntries own;
    private final Directory directory;
    private final Resubscribe resubscribe;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean resync = true; // the first round writes this node's key
    private volatile boolean soon;
    private volatile boolean closed;
    private volatile Thread thread;

    /** Makes the loop; {@link #runOnce()} runs a round on the caller's thread, {@link #start()} the loop. */
    public Refresher(String nodeId, Duration interval, Duration ttl, OwnEntries own, Directory directory,
                     Resubscribe resubscribe) {
        this.nodeId = nodeId;
        this.intervalNanos = interval.toNanos();
        this.ttlNanos = ttl.toNanos();
        this.own = own;
        this.directory = directory;
        this.resubscribe = resubscribe;
    }

    /** Starts the loop on its own virtual thread. */
    public void start() {
        thread = Thread.ofVirtual().name("vigil-redis-" + nodeId + "-refresh")
                .uncaughtExceptionHandler((t, e) -> log.error("uncaught exception in {}", t.getName(), e))
                .start(this::loop);
    }

    /** After a reconnect, or a write that failed: subscribe and write everything again, now. */
    public void resyncSoon() {
        resync = true;
        sweepSoon();
    }

    /** Sweeps the other nodes now instead of at the next interval. */
    public void sweepSoon() {
        soon = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the loop. */
    public void close() {
        closed = true;
        sweepSoon();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void loop() {
        while (!closed) {
            lock.lock();
            try {
                long wait = intervalNanos - (long) (intervalNanos * 0.1 * ThreadLocalRandom.current().nextDouble());
                while (!soon && !closed && wait > 0) {
                    wait = wake.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (!closed) {
                runOnce();
            }
        }
    }

    /** One round: resubscribe and rewrite after a reconnect, extend the TTL, sweep the others. */
    public void runOnce() {
        soon = false;
        boolean wasResync = resync;
        resync = false;
        try {
            if (wasResync) {
                directory.graceUntil(System.nanoTime() + ttlNanos);
                directory.markAllDirty();
                resubscribe.run();
                own.restore();
            } else if (!own.refresh()) {
                log.warn("node {}: its key had expired in Redis (a pause longer than the TTL {} ms, or Redis lost its"
                        + " data); writing its entries again", nodeId, ttlNanos / 1_000_000);
                directory.graceUntil(System.nanoTime() + ttlNanos);
                own.restore();
            }
            directory.sweep(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            resync = resync || wasResync;
            if (!closed) {
                log.debug("node {}: refresh failed ({}); trying again", nodeId, e.toString());
            }
        }
    }
}
