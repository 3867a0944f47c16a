package dev.vigil.testsupport;

import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * What the code under test logged since the current test began ({@link LogCapture} clears it before each test). A
 * test that provokes a failure on purpose asserts the line the failure logs:
 *
 * <pre>{@code
 * LogRecord line = Logs.await(Level.WARN, "closing: HEARTBEAT_TIMEOUT", Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Thread-safe; events logged by any thread (a connection's virtual threads, the heartbeat timer) are kept. At most
 * {@value #CAPACITY} events are kept; older ones are dropped, and counted.
 */
public final class Logs {
    /** The most events kept at once. */
    public static final int CAPACITY = 50_000;

    private static final ReentrantLock lock = new ReentrantLock();
    private static final Condition added = lock.newCondition();
    private static final ArrayDeque<LogRecord> records = new ArrayDeque<>();
    private static long dropped;

    private Logs() {
    }

    static void record(LogRecord record) {
        lock.lock();
        try {
            if (records.size() == CAPACITY) {
                records.removeFirst();
                dropped++;
            }
            records.addLast(record);
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every event kept so far. */
    public static void clear() {
        lock.lock();
        try {
            records.clear();
            dropped = 0;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the events kept, oldest first} */
    public static List<LogRecord> all() {
        lock.lock();
        try {
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many events were dropped since the last {@link #clear()} because more than {@value #CAPACITY} came} */
    public static long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the events kept at the level whose message contains the fragment, oldest first}
     *
     * @param level    the level
     * @param fragment a part of the message
     */
    public static List<LogRecord> find(Level level, String fragment) {
        return all().stream().filter(matching(level, fragment)).toList();
    }

    /**
     * Waits until an event at the level whose message contains the fragment has been logged, and returns the first.
     *
     * @param level    the level
     * @param fragment a part of the message
     * @param timeout  how long to wait
     * @return the first matching event
     * @throws AssertionError if none came within the timeout; its message lists what was logged
     * @throws IllegalStateException if SLF4J is not bound to {@link RecordingLogProvider}
     * @throws InterruptedException if interrupted while waiting
     */
    public static LogRecord await(Level level, String fragment, Duration timeout) throws InterruptedException {
        return await(matching(level, fragment), level + " line containing \"" + fragment + "\"", timeout);
    }

    /**
     * Waits until an event that matches has been logged, and returns the first.
     *
     * @param condition what the event must satisfy
     * @param what      the event, described for the failure message
     * @param timeout   how long to wait
     * @return the first matching event
     * @throws AssertionError if none came within the timeout; its message lists what was logged
     * @throws IllegalStateException if SLF4J is not bound to {@link RecordingLogProvider}
     * @throws InterruptedException if interrupted while waiting
     */
    public static LogRecord await(Predicate<LogRecord> condition, String what, Duration timeout)
            throws InterruptedException {
        requireRecording();
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                for (LogRecord record : records) {
                    if (condition.test(record)) {
                        return record;
                    }
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    List<String> seen = new ArrayList<>();
                    records.forEach(r -> seen.add(r.toString()));
                    throw new AssertionError("no " + what + " logged within " + timeout + "; logged: " + seen);
                }
                added.await(wait, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@return whether SLF4J is bound to {@link RecordingLogProvider}, so that events are kept here} */
    public static boolean recording() {
        return LoggerFactory.getLogger(Logs.class) instanceof RecordingLogger;
    }

    private static void requireRecording() {
        if (!recording()) {
            throw new IllegalStateException("SLF4J is bound to " + LoggerFactory.getILoggerFactory().getClass()
                    .getName() + ", not to RecordingLogProvider: run with -Dslf4j.provider="
                    + RecordingLogProvider.class.getName() + " (the build sets it for every test)");
        }
    }

    private static Predicate<LogRecord> matching(Level level, String fragment) {
        return r -> r.level() == level && r.message().contains(fragment);
    }
}
