package dev.vigil.internal.guard;

import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Warnings that an attacker can make repeat, aggregated per kind: the first of a window is logged as it is (with its
 * exception, if any); the rest are counted, and one line sums them up when the window ends ("37 more like this in the
 * last 10s; the last: ..."). Under a flood that is at most two lines per kind per window, never one per event, and
 * no stack trace after the first.
 *
 * <p>Time is passed in ({@code now}, ticker time), so the windows are tested on a fake clock. A summary is written
 * by the next warning of its kind after the window, or by {@link #flush}, which a periodic task (the heartbeat timer)
 * calls so that the count of a flood that stopped is not lost. Formatting of a counted warning is deferred to its
 * summary, so a suppressed warning costs a map lookup and a lock.
 *
 * <p>Thread-safe. Decisions are made under a per-kind lock; lines are written outside it.
 */
public final class AggregatingLog {

    /** Where lines go: a logger's WARN in production, a list in tests. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Writes one line.
         *
         * @param line  the message
         * @param cause its exception, for the first of a window only
         */
        void warn(String line, @Nullable Throwable cause);
    }

    private final Sink sink;
    private final long window;
    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

    /**
     * An aggregating log.
     *
     * @param sink        where lines go
     * @param windowNanos how long one window lasts, positive
     */
    public AggregatingLog(Sink sink, long windowNanos) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("window " + windowNanos);
        }
        this.sink = sink;
        this.window = windowNanos;
    }

    /**
     * {@return an aggregating log writing to the logger's WARN level}
     *
     * @param logger      the logger
     * @param windowNanos the window
     */
    public static AggregatingLog of(Logger logger, long windowNanos) {
        return new AggregatingLog((line, cause) -> {
            if (cause == null) {
                logger.warn(line);
            } else {
                logger.warn(line, cause);
            }
        }, windowNanos);
    }

    private static final class Kind {
        final ReentrantLock lock = new ReentrantLock();
        long windowStart;
        long counted;
        boolean open;
        String lastFormat = "";
        Object[] lastArgs = new Object[0];
    }

    /**
     * Logs a warning of {@code kind}, or counts it if one of its kind was logged in this window.
     *
     * @param now    the ticker time
     * @param kind   what sort of warning; a fixed word per call site ("refused", "closing"), never per peer
     * @param format an SLF4J format ({@code {}} placeholders); a trailing Throwable argument is its cause
     * @param args   the arguments
     */
    public void warn(long now, String kind, String format, Object... args) {
        Kind k = kinds.computeIfAbsent(kind, x -> new Kind());
        String summary;
        k.lock.lock();
        try {
            if (k.open && now - k.windowStart < window) {
                k.counted++;
                k.lastFormat = format;
                k.lastArgs = args;
                return;
            }
            summary = summaryLocked(k, now);
            k.open = true;
            k.windowStart = now;
        } finally {
            k.lock.unlock();
        }
        if (summary != null) {
            sink.warn(summary, null);
        }
        FormattingTuple t = MessageFormatter.arrayFormat(format, args);
        sink.warn(t.getMessage(), t.getThrowable());
    }

    /**
     * Writes the summary of every kind whose window has ended with warnings counted; a periodic task calls it.
     *
     * @param now the ticker time
     */
    public void flush(long now) {
        for (Kind k : kinds.values()) {
            String summary;
            k.lock.lock();
            try {
                if (!k.open || now - k.windowStart < window) {
                    continue;
                }
                summary = summaryLocked(k, now);
                k.open = false;
            } finally {
                k.lock.unlock();
            }
            if (summary != null) {
                sink.warn(summary, null);
            }
        }
    }

    private @Nullable String summaryLocked(Kind k, long now) {
        if (!k.open || k.counted == 0) {
            return null;
        }
        long n = k.counted;
        k.counted = 0;
        String last = MessageFormatter.arrayFormat(k.lastFormat, k.lastArgs).getMessage();
        k.lastArgs = new Object[0];
        return Format.count(n) + " more like this in the last " + Format.nanos(now - k.windowStart)
                + "; the last: " + last;
    }
}
