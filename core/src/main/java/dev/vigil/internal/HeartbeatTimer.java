package dev.vigil.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One timer for every connection of a manager: a binary heap of deadlines served by a single platform thread, so
 * 10,000 connections cost one thread, and a connection has at most one pending entry that it moves instead of
 * cancelling and re-adding. I/O never touches the timer; it only records timestamps that the task reads when its
 * deadline comes (as Netty's {@code IdleStateHandler} does).
 *
 * <p>It also guards against this JVM's own stalls: when it runs a deadline far later than it was due (a long GC
 * pause, a suspended VM, an overloaded machine), it records the end of that pause, and tasks measure silence from no
 * earlier than that moment, so no peer is declared dead for silence that fell inside our own pause.
 *
 * <p>{@link #runDue} is the whole decision and takes the time as an argument, so tests drive it on a fake clock
 * without the thread.
 */
final class HeartbeatTimer {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatTimer.class);

    /** Lateness beyond which a wake-up counts as a pause of this JVM rather than scheduling noise. */
    static final long PAUSE_THRESHOLD = TimeUnit.MILLISECONDS.toNanos(100);

    /** Returned by a task that needs no further call until it is scheduled again. */
    static final long STOP = Long.MAX_VALUE;

    /** Work done when a deadline comes; must not block. */
    interface Task {
        /**
         * @param now      the current time
         * @param pauseEnd the end of the last pause of this JVM (silence before it does not count)
         * @return the next deadline, or {@link #STOP}
         */
        long onTimer(long now, long pauseEnd);
    }

    /** A task's place in the heap. One per task; moved, never re-allocated. */
    static final class Entry {
        final Task task;
        long deadline = STOP;
        int index = -1;

        Entry(Task task) {
            this.task = task;
        }
    }

    private final Ticker ticker;
    private final String threadName;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Entry[] heap = new Entry[64];
    private int size;
    private Entry[] due = new Entry[16];
    private volatile long pauseEnd = Long.MIN_VALUE;
    private long pauses;
    private Thread thread;
    private boolean stopped;

    HeartbeatTimer(Ticker ticker, String threadName) {
        this.ticker = ticker;
        this.threadName = threadName;
    }

    long now() {
        return ticker.nanoTime();
    }

    /** The end of the last detected pause of this JVM, or {@link Long#MIN_VALUE}. */
    long pauseEnd() {
        return pauseEnd;
    }

    /** How many pauses were detected. */
    long pauses() {
        lock.lock();
        try {
            return pauses;
        } finally {
            lock.unlock();
        }
    }

    /** Starts the thread, once. */
    void start() {
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

    void stop() {
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
    void schedule(Entry entry, long deadline) {
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
        lock.lock();
        try {
            if (size > 0 && heap[0].deadline <= now) {
                long lateness = now - heap[0].deadline;
                if (lateness > PAUSE_THRESHOLD) {
                    pauseEnd = now;
                    pauses++;
                    log.warn("heartbeat timer ran {} late: this JVM or machine paused; silence during the pause "
                            + "is not counted against any peer", Durations.format(lateness));
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
        long pause = pauseEnd;
        for (int i = 0; i < n; i++) {
            Entry e = due[i];
            due[i] = null;
            long next;
            try {
                next = e.task.onTimer(now, pause);
            } catch (RuntimeException | Error t) {
                // A failing task must not stop every other connection's heartbeat.
                log.error("heartbeat task {} failed; it is called again in one second", e.task, t);
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

    private void loop() {
        while (true) {
            long next = runDue(ticker.nanoTime());
            lock.lock();
            try {
                if (stopped) {
                    return;
                }
                long first = size > 0 ? heap[0].deadline : STOP;
                long wait = Math.min(first, next) - ticker.nanoTime();
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
