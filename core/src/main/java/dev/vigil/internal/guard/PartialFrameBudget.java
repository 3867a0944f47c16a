package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One manager's budget for the memory held by partial frames, across all its connections. A connection reserves as
 * bytes arrive, never as a header declares ("memory follows arrival"), and releases when the frame completes or the
 * connection dies. When the total passes the budget, the connections holding the most are named, largest first,
 * until closing them brings the total back within it; the core closes them with the reason given, and the server
 * keeps serving everyone else.
 *
 * <p>Cost on the read path: {@link Holder#hold} does nothing when a read did not change how much of a partial frame
 * is buffered, and one {@link AtomicLong#addAndGet} otherwise. Only a reader that finds the budget exceeded takes
 * the slow path (a scan of the holders), and only one at a time ({@link ReentrantLock#tryLock}: the others carry on,
 * since someone is already choosing whom to close). Bytes of connections already chosen are not counted again, so a
 * flood of readers over budget closes just enough connections, not all of them.
 *
 * @param <T> what the core closes: its connection object
 */
public final class PartialFrameBudget<T> {
    private final long limit;
    private final AtomicLong held = new AtomicLong();
    /** Bytes held by connections already chosen for closing, which will be released when they die. */
    private final AtomicLong condemned = new AtomicLong();
    private final Set<Holder<T>> holders = ConcurrentHashMap.newKeySet();
    private final ReentrantLock choosing = new ReentrantLock();

    /**
     * A budget.
     *
     * @param limitBytes the most partial-frame bytes all connections together may hold, positive
     */
    public PartialFrameBudget(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limit " + limitBytes);
        }
        this.limit = limitBytes;
    }

    /**
     * Registers a connection; call {@link Holder#close} when it dies.
     *
     * @param owner the connection, handed back in an {@link Eviction}
     * @return its holder, for its reader
     */
    public Holder<T> register(T owner) {
        Holder<T> h = new Holder<>(this, owner);
        holders.add(h);
        return h;
    }

    /** {@return the partial-frame bytes held now, across all connections} */
    public long held() {
        return held.get();
    }

    /** {@return the budget} */
    public long limit() {
        return limit;
    }

    /**
     * A connection to close because partial frames are over budget.
     *
     * @param owner  the connection
     * @param reason why, with the numbers
     */
    public record Eviction<T>(T owner, CloseReason reason) {
    }

    /**
     * One connection's share. {@link #hold} and {@link #release} are called by its reader only; {@link #close} by
     * whichever thread ends the connection.
     *
     * @param <T> the owner's type
     */
    public static final class Holder<T> {
        private final PartialFrameBudget<T> budget;
        private final T owner;
        private static final long CLOSED = -1;
        /** Bytes held, or {@link #CLOSED}; a CAS makes {@link #hold} racing {@link #close} leave nothing behind. */
        private final AtomicLong mine = new AtomicLong();
        private volatile boolean condemned;
        /** What it held when it was chosen: counted in {@link PartialFrameBudget#condemned} until it closes. */
        private long condemnedBytes;

        private Holder(PartialFrameBudget<T> budget, T owner) {
            this.budget = budget;
            this.owner = owner;
        }

        /**
         * Sets how many bytes of an incomplete frame this connection's buffer holds now.
         *
         * @param bytes the partial frame's bytes received so far (0 when the buffer ends on a frame boundary)
         * @return the connections to close, usually none (an empty list, allocated once); may include this one
         */
        public List<Eviction<T>> hold(long bytes) {
            long before;
            do {
                before = mine.get();
                if (before == bytes || before == CLOSED) {
                    return List.of();
                }
            } while (!mine.compareAndSet(before, bytes));
            long total = budget.held.addAndGet(bytes - before);
            if (condemned) {
                return List.of(); // already chosen: its reader is about to stop
            }
            if (bytes < before || total - budget.condemned.get() <= budget.limit) {
                return List.of();
            }
            return budget.choose();
        }

        /** The frame completed: this connection holds no partial frame now. */
        public void release() {
            hold(0);
        }

        /** The connection died: releases what it held and forgets it. Idempotent; any thread. */
        public void close() {
            long had = mine.getAndSet(CLOSED);
            if (had == CLOSED) {
                return;
            }
            budget.held.addAndGet(-had);
            budget.choosing.lock();
            try {
                if (condemned) {
                    budget.condemned.addAndGet(-condemnedBytes);
                }
                budget.holders.remove(this);
            } finally {
                budget.choosing.unlock();
            }
        }

        /** {@return the bytes this connection holds} */
        public long held() {
            return Math.max(0, mine.get());
        }
    }

    private List<Eviction<T>> choose() {
        if (!choosing.tryLock()) {
            return List.of();
        }
        try {
            long total = held.get();
            long excess = total - condemned.get() - limit;
            if (excess <= 0) {
                return List.of();
            }
            List<Holder<T>> candidates = new ArrayList<>();
            for (Holder<T> h : holders) {
                if (!h.condemned && h.held() > 0) {
                    candidates.add(h);
                }
            }
            candidates.sort(Comparator.comparingLong((Holder<T> h) -> h.held()).reversed());
            List<Eviction<T>> out = new ArrayList<>();
            for (Holder<T> h : candidates) {
                if (excess <= 0) {
                    break;
                }
                long mine = h.held();
                h.condemnedBytes = mine;
                h.condemned = true;
                condemned.addAndGet(mine);
                excess -= mine;
                out.add(new Eviction<>(h.owner, CloseReason.local(Kind.POLICY_VIOLATION,
                        "out of memory for partial frames: all connections together hold " + Format.bytes(total)
                                + " of frames still arriving, over this server's budget of " + Format.bytes(limit)
                                + "; this connection held one of the largest, " + Format.bytes(mine))));
            }
            return out;
        } finally {
            choosing.unlock();
        }
    }
}
