package dev.vigil.internal.presence;

import dev.vigil.cluster.PresenceEvent;
import dev.vigil.cluster.PresenceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Presence events on their way to the listener, in the order they were queued. Threaded: one named virtual thread
 * delivers them. Inline (for tests on a fake clock): the caller delivers them with {@link #deliverInline()}.
 * {@link #addAll} never blocks, so it may be called under a lock.
 */
final class EventQueue {
    private static final Logger log = LoggerFactory.getLogger(EventQueue.class);
    private static final PresenceEvent[] NONE = new PresenceEvent[0];

    private final PresenceListener listener;
    private final LinkedBlockingQueue<PresenceEvent[]> queue = new LinkedBlockingQueue<>();
    private final boolean threaded;
    private final Thread thread;
    private volatile boolean closed;

    EventQueue(PresenceListener listener, boolean threaded, String threadName) {
        this.listener = listener;
        this.threaded = threaded;
        this.thread = threaded
                ? Thread.ofVirtual().name(threadName)
                        .uncaughtExceptionHandler((t, e) -> log.error("uncaught exception in {}", t.getName(), e))
                        .start(this::run)
                : Thread.currentThread();
    }

    void addAll(List<PresenceEvent> events) {
        if (!events.isEmpty()) {
            queue.add(events.toArray(NONE));
        }
    }

    /** Delivers what is queued on this thread; does nothing when a thread of its own delivers. */
    void deliverInline() {
        if (threaded) {
            return;
        }
        PresenceEvent[] batch;
        while (!closed && (batch = queue.poll()) != null) {
            deliver(batch);
        }
    }

    /** Stops: no call to the listener starts after this returns (unless called from the listener itself). */
    void close() {
        closed = true;
        if (threaded && thread != Thread.currentThread()) {
            queue.add(NONE);
            try {
                if (!thread.join(Duration.ofSeconds(5))) {
                    log.warn("presence listener still running 5 s after close");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (!closed) {
                PresenceEvent[] batch = queue.poll(1, TimeUnit.SECONDS);
                if (batch != null) {
                    deliver(batch);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private void deliver(PresenceEvent[] batch) {
        for (PresenceEvent event : batch) {
            if (closed) {
                return;
            }
            try {
                listener.onPresence(event);
            } catch (RuntimeException e) {
                log.warn("presence listener threw on {}", event, e);
            }
        }
    }
}
