package dev.vigil;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Queues every listener call; a test takes the next one with a deadline and asserts it. {@link #assertNoMore}
 * fails if anything unexpected is left. It is also a {@link ReconnectListener}, for reconnecting clients; a test
 * may extend it to act inside a callback.
 */
class RecordingListener<M> implements ReconnectListener<M> {

    sealed interface Event permits Open, Message, StateChange, Close, Error, Attempt, AttemptFailed, Connected, GaveUp {
        /** {@return the connection the event is about} */
        default Connection<?> connection() {
            throw new AssertionError(this + " has no connection");
        }
    }

    record Open(Connection<?> connection) implements Event {
    }

    record Message(Connection<?> connection, Object message) implements Event {
    }

    record StateChange(Connection<?> connection, ConnectionState from, ConnectionState to) implements Event {
    }

    record Close(Connection<?> connection, CloseReason reason) implements Event {
    }

    record Error(Connection<?> connection, Throwable error) implements Event {
    }

    record Attempt(int attempt, InetSocketAddress endpoint) implements Event {
    }

    record AttemptFailed(int attempt, InetSocketAddress endpoint, Throwable error, Duration nextDelay)
            implements Event {
    }

    record Connected(Connection<?> connection, int attempts) implements Event {
    }

    record GaveUp(int attempts, Throwable lastError) implements Event {
    }

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(Connection<M> connection) {
        events.add(new Open(connection));
    }

    @Override
    public void onMessage(Connection<M> connection, M message) {
        events.add(new Message(connection, message));
    }

    @Override
    public void onStateChange(Connection<M> connection, ConnectionState from, ConnectionState to) {
        events.add(new StateChange(connection, from, to));
    }

    @Override
    public void onClose(Connection<M> connection, CloseReason reason) {
        events.add(new Close(connection, reason));
    }

    @Override
    public void onError(Connection<M> connection, Throwable error) {
        events.add(new Error(connection, error));
    }

    @Override
    public void onAttempt(int attempt, InetSocketAddress endpoint) {
        events.add(new Attempt(attempt, endpoint));
    }

    @Override
    public void onAttemptFailed(int attempt, InetSocketAddress endpoint, Throwable error, Duration nextDelay) {
        events.add(new AttemptFailed(attempt, endpoint, error, nextDelay));
    }

    @Override
    public void onConnected(Connection<M> connection, int attempts) {
        events.add(new Connected(connection, attempts));
    }

    @Override
    public void onGaveUp(int attempts, Throwable lastError) {
        events.add(new GaveUp(attempts, lastError));
    }

    Event next(Duration timeout) throws InterruptedException {
        Event e = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        assertNotNull(e, "no listener event within " + timeout);
        return e;
    }

    <E extends Event> E next(Class<E> type) throws InterruptedException {
        return next(type, Duration.ofSeconds(10));
    }

    <E extends Event> E next(Class<E> type, Duration timeout) throws InterruptedException {
        Event e = next(timeout);
        assertTrue(type.isInstance(e), "expected " + type.getSimpleName() + " but got " + e);
        return type.cast(e);
    }

    /** Skips events until one of the type arrives (for tests that do not care about the ones before). */
    <E extends Event> E await(Class<E> type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (e == null) {
                fail("no " + type.getSimpleName() + " within " + timeout + "; saw " + skipped);
            }
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            skipped.add(e);
        }
    }

    /** Waits the whole duration and fails if any event arrives meanwhile. */
    void assertNothingWithin(Duration duration) throws InterruptedException {
        Event e = events.poll(duration.toNanos(), TimeUnit.NANOSECONDS);
        assertEquals(null, e, "no listener event expected within " + duration);
    }

    void assertNoMore() {
        assertEquals(List.of(), new ArrayList<>(events), "unexpected listener events");
    }
}
