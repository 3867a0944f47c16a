package dev.vigil.internal.heartbeat;

import dev.vigil.internal.Durations;
import dev.vigil.internal.Ticker;
import dev.vigil.internal.guard.AggregatingLog;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One timer for every connection of a manager: a binary heap of deadlines served by a single platform thread, so
 * 10,000 connections cost one thread, and a connection has at most one pending entry that it moves instead of
 * cancelling and re-adding. I/O never touches the timer; it only records timestamps that the task reads when its
 * deadline comes (as Netty's {@code IdleStateHandler} does).
 *
 * <p>It also measures this JVM's own stalls, since it is the one thread that knows when it should have run: a
 * wake-up more than {@link #STALL_THRESHOLD} past the deadline it was due for is recorded in the
 * {@link LocalPauses} ledger as a stall from that moment to the wake-up. A task that came due while the timer was
 * still running others is late by the same measure: however the pass was slowed (many tasks, a cold JIT, a thread the
 * machine did not schedule), the wait was ours, not the peer's silence. Tasks subtract what the ledger holds for their silence: a stall is forgiven once, for
 * exactly as long as it was measured, so repeated late wake-ups delay a verdict by their sum and never restart it.
 *
 * <p>The thread wakes {@link #COALESCE} after the earliest deadline and runs everything due by then, so deadlines
 * that heartbeat jitter spreads apart still share one wake-up (as the kernel's timer slack does): without it, 10,000
 * jittered connections would wake the thread about as many times a second. A PING or a verdict is therefore up to
 * {@code COALESCE} later than its deadline, never earlier, and that planned lateness is never taken for a stall.
 *
 * <p>{@link #runDue} is the whole decision and takes the time as an argument, so tests drive it on a fake clock
 * without the thread.
 */
public final class HeartbeatTimer {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatTimer.class);

    /**
     * Lateness beyond which a wake-up counts as a stall of this JVM rather than scheduling noise; the whole lateness
     * is then recorded, not just the part above the threshold.
     */
    static final long STALL_THRESHOLD = TimeUnit.MILLISECONDS.toNanos(20);

    /** How long after the earliest deadline the thread wakes, to run the deadlines near it in the same pass. */
    public static final long COALESCE = TimeUnit.MILLISECONDS.toNanos(4);

    /** How often at most the timer logs a stall at WARN; the stalls in between are summed into the next line. */
    static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(10);

    /** Returned by a task that needs no further call until it is scheduled again. */
    static final long STOP = Long.MAX_VALUE;

    /** Work done when a deadline comes; must not block. */
    public interface Task {
        /**
         * @param now    the current time
         * @param pauses this JVM's measured stalls: the part of a silence they cover is not the peer's
         * @return the next deadline, or {@link #STOP}
         */
        long onTimer(long now, LocalPauses pauses);
    }

    /**
     * A task's place in the heap. One per task; moved, never re-allocated. A subclass may be its own task (one object
     * per connection, not three): it overrides {@link #onTimer} and uses the constructor without a task.
     */
    public static class Entry implements Task {
        private final @Nullable Task task;
        long deadline = STOP;
        int index = -1;

        public Entry(Task task) {
            this.task = Objects.requireNonNull(task, "task");
        }

        /** For a subclass that overrides {@link #onTimer}. */
        protected Entry() {
            this.task = null;
        }

        @Override
        public long onTimer(long now, LocalPauses pauses) {
            return Objects.requireNonNull(task, "an entry without a task overrides onTimer").onTimer(now, pauses);
        }

        @Override
        public String toString() {
            return String.valueOf(task == null ? getClass().getName() : task);
        }
    }

    private final Ticker ticker;
    private final String threadName;
    private final long coalesce;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Entry[] heap = new Entry[64];
    private int size;
    private Entry[] due = new Entry[16];
    private final LocalPauses pauses = new LocalPauses();
    private long lastWarn = Long.MIN_VALUE;
    private int unwarnedStalls;
    private long unwarnedNanos;
    private Thread thread;
    private boolean stopped;

    private final @Nullable AggregatingLog aggregated;

    /** A timer that runs each deadline exactly when it comes (tests of the decision itself). */
    public HeartbeatTimer(Ticker ticker, String threadName) {
        this(ticker, threadName, 0, null);
    }

    /**
     * @param coalesce how long after the earliest deadline the thread wakes ({@link #COALESCE} for a manager)
     * @param log      the manager's aggregated warnings, flushed every tick so a flood that stopped is summed up
     */
    public HeartbeatTimer(Ticker ticker, String threadName, long coalesce, @Nullable AggregatingLog log) {
        this.ticker = ticker;
        this.threadName = threadName;
        this.coalesce = coalesce;
        this.aggregated = log;
    }

    /** {@return the ledger of this JVM's stalls as this timer measured them} */
    public LocalPauses localPauses() {
        return pauses;
    }

    /** Starts the thread, once. */
    public void start() {
        lock.lock();
        try {
            if (thread == null && !stopped) {
                thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this::loop);
                thread.start();
            }
        } finally {
            lock.unlock();
        }
    }

    public void stop() {
        Thread t;
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Puts the entry at {@code deadline} (or removes it for {@link #STOP}); safe from any thread. */
    public void schedule(Entry entry, long deadline) {
        lock.lock();
        try {
            boolean wasFirst = size > 0 && heap[0] == entry;
            long oldFirst = size > 0 ? heap[0].deadline : STOP;
            if (entry.index >= 0) {
                removeAt(entry.index);
            }
            // A deadline already past runs at once, but must not look like our own lateness (a pause).
            entry.deadline = deadline == STOP ? STOP : Math.max(deadline, ticker.nanoTime());
            if (deadline != STOP) {
                add(entry);
            }
            if (size > 0 && (heap[0].deadline < oldFirst || wasFirst)) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    void cancel(Entry entry) {
        schedule(entry, STOP);
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs every task whose deadline has come, then reschedules each with what it returned.
     *
     * @param now the current time
     * @return the earliest deadline left, or {@link #STOP}
     */
    long runDue(long now) {
        int n = 0;
        long stall = 0;
        lock.lock();
        try {
            if (size > 0 && heap[0].deadline <= now) {
                // The thread meant to wake coalesce after the deadline: only lateness beyond that is a stall.
                long dueSince = heap[0].deadline + coalesce;
                if (now - dueSince > STALL_THRESHOLD) {
                    stall = now - dueSince;
                    pauses.record(dueSince, now);
                }
            }
            while (size > 0 && heap[0].deadline <= now) {
                Entry e = heap[0];
                removeAt(0);
                e.deadline = STOP;
                if (n == due.length) {
                    due = Arrays.copyOf(due, n * 2);
                }
                due[n++] = e;
            }
        } finally {
            lock.unlock();
        }
        if (stall > 0) {
            warnStall(now, stall);
        }
        if (aggregated != null) {
            try {
                aggregated.flush(now);
            } catch (RuntimeException | Error t) {
                // e.g. out of file descriptors, a class that cannot load: the heartbeat must go on regardless
            }
        }
        for (int i = 0; i < n; i++) {
            Entry e = due[i];
            due[i] = null;
            long next;
            try {
                next = e.onTimer(now, pauses);
            } catch (RuntimeException | Error t) {
                // A failing task must not stop every other connection's heartbeat.
                log.error("heartbeat task {} failed; it is called again in one second", e, t);
                next = now + TimeUnit.SECONDS.toNanos(1);
            }
            lock.lock();
            try {
                // The task may have been rescheduled by another thread meanwhile; the earlier deadline wins.
                next = next == STOP ? STOP : Math.max(next, now);
                if (next != STOP && (e.index < 0 || next < e.deadline)) {
                    if (e.index >= 0) {
                        removeAt(e.index);
                    }
                    e.deadline = next;
                    add(e);
                }
            } finally {
                lock.unlock();
            }
        }
        lock.lock();
        try {
            return size > 0 ? heap[0].deadline : STOP;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Logs a stall, at most once per {@link #WARN_EVERY}, with the count and sum of the ones not logged (timer
     * thread only, outside the lock).
     */
    private void warnStall(long now, long stall) {
        if (lastWarn != Long.MIN_VALUE && now - lastWarn < WARN_EVERY) {
            unwarnedStalls++;
            unwarnedNanos += stall;
            return;
        }
        String more = unwarnedStalls == 0 ? "" : " (" + unwarnedStalls + " more, " + Durations.format(unwarnedNanos)
                + " in all, since the last such line)";
        log.warn("heartbeat timer ran {} late: this JVM or machine stalled; that stall is not counted against any "
                + "peer's silence{}", Durations.format(stall), more);
        lastWarn = now;
        unwarnedStalls = 0;
        unwarnedNanos = 0;
    }

    private void loop() {
        while (true) {
            long next = runDue(ticker.nanoTime());
            lock.lock();
            try {
                if (stopped) {
                    return;
                }
                long first = size > 0 ? heap[0].deadline : STOP;
                long earliest = Math.min(first, next);
                long wait = earliest == STOP ? STOP : earliest + coalesce - ticker.nanoTime();
                if (wait > 0) {
                    changed.awaitNanos(Math.min(wait, TimeUnit.SECONDS.toNanos(1)));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error t) {
                log.error("heartbeat timer loop failed; continuing", t);
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- binary heap on deadline, each entry knowing its index ----

    private void add(Entry e) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = e;
        e.index = size;
        size++;
        siftUp(e.index);
    }

    private void removeAt(int i) {
        Entry removed = heap[i];
        size--;
        if (i != size) {
            Entry last = heap[size];
            heap[i] = last;
            last.index = i;
            heap[size] = null;
            siftDown(i);
            siftUp(last.index);
        } else {
            heap[size] = null;
        }
        removed.index = -1;
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (p.deadline <= e.deadline) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].deadline < heap[child].deadline) {
                child = right;
            }
            if (e.deadline <= heap[child].deadline) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }
}
