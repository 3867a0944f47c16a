package dev.vigil.redis.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that calls a backplane's handlers and entry listeners, in the order their work was submitted. The
 * queue is bounded: when handlers fall that far behind, new work is dropped and counted (pub/sub is at most once
 * anyway), so a flood costs a bounded amount of memory.
 */
public final class Events {
    private static final Logger log = LoggerFactory.getLogger(Events.class);
    private static final Runnable STOP = () -> {
    };

    private final LinkedBlockingQueue<Runnable> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;

    /** Starts the thread. */
    public Events(String threadName, int capacity) {
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.thread = Thread.ofVirtual().name(threadName)
                .uncaughtExceptionHandler((t, e) -> log.error("uncaught exception in {}", t.getName(), e))
                .start(this::run);
    }

    /** Queues work; returns false (and counts it) if the queue is full. Never blocks. */
    public boolean submit(Runnable work) {
        if (queue.offer(work)) {
            return true;
        }
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 10_000 == 0) {
            log.warn("{}: handlers are {} calls behind; dropping ({} dropped so far)", thread.getName(),
                    queue.size(), n);
        }
        return false;
    }

    /** {@return how much work was dropped because the queue was full} */
    public long dropped() {
        return dropped.get();
    }

    /** Stops after the work queued so far (waiting up to 5 s); unless called from the thread itself. */
    public void close() {
        queue.clear();
        queue.offer(STOP);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            Runnable work;
            try {
                work = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (work == STOP) {
                return;
            }
            try {
                work.run();
            } catch (RuntimeException e) {
                log.warn("a backplane handler threw", e);
            }
        }
    }
}
