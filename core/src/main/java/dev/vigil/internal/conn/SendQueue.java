package dev.vigil.internal.conn;

import java.util.concurrent.CompletableFuture;

/**
 * The messages a connection has accepted and not yet handed to its writer, each with its send future, in order (a
 * message, or a {@link Broadcast} encoded once for every connection). A
 * ring of (message, future) pairs in one array, so a send allocates nothing here once the ring has grown; given back
 * when the connection is idle. Not thread-safe: the connection's lock guards it.
 */
final class SendQueue {
    private static final Object[] EMPTY = new Object[0];

    private final int max;
    private Object[] ring = EMPTY;
    private int head;
    private int size;

    SendQueue(int max) {
        this.max = max;
    }

    int size() {
        return size;
    }

    /** Appends a message; the caller has checked the limit. */
    void add(Object message, CompletableFuture<Void> future) {
        int cap = ring.length / 2;
        if (size == cap) {
            int newCap = Math.min(Math.max(8, cap * 2), Math.max(8, max));
            Object[] bigger = new Object[newCap * 2];
            for (int i = 0; i < size; i++) {
                int slot = ((head + i) % cap) * 2;
                bigger[i * 2] = ring[slot];
                bigger[i * 2 + 1] = ring[slot + 1];
            }
            ring = bigger;
            head = 0;
            cap = newCap;
        }
        int slot = ((head + size) % cap) * 2;
        ring[slot] = message;
        ring[slot + 1] = future;
        size++;
    }

    /**
     * Moves up to {@code n} of the oldest pairs into {@code batch} (message at {@code 2i}, future at {@code 2i + 1}).
     *
     * @return how many were moved
     */
    int takeInto(Object[] batch, int n) {
        int taken = Math.min(size, n);
        int cap = ring.length / 2;
        for (int i = 0; i < taken; i++) {
            int slot = head * 2;
            batch[i * 2] = ring[slot];
            batch[i * 2 + 1] = ring[slot + 1];
            ring[slot] = null;
            ring[slot + 1] = null;
            head = (head + 1) % cap;
        }
        size -= taken;
        if (size == 0) {
            head = 0;
        }
        return taken;
    }

    /** Fails every queued send with {@code error} and empties the queue. */
    void failAll(Throwable error) {
        int cap = ring.length / 2;
        for (int i = 0; i < size; i++) {
            int slot = ((head + i) % cap) * 2;
            @SuppressWarnings("unchecked")
            CompletableFuture<Void> f = (CompletableFuture<Void>) ring[slot + 1];
            ring[slot] = null;
            ring[slot + 1] = null;
            f.completeExceptionally(error);
        }
        head = 0;
        size = 0;
    }

    /** Gives back the array of an empty queue, so an idle connection holds none. */
    void release() {
        if (size == 0) {
            ring = EMPTY;
            head = 0;
        }
    }
}
