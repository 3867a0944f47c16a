package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A listener that records every call, for a test to take in order and assert (as OkHttp's {@code WebSocketRecorder}).
 * With an {@link EmbeddedConnection} every event is recorded before the call that caused it returns, so
 * {@link #next(Class)} never waits; over real sockets it waits up to a deadline. {@link #assertNoMore()} fails if
 * anything unexpected is left. Thread-safe.
 *
 * @param <M> the type of messages
 */
public final class RecordingListener<M> implements ConnectionListener<M> {

    /** One recorded listener call. */
    public sealed interface Event permits Open, Message, StateChange, Close, Error {
        /** {@return the connection the call was about} */
        Connection<?> connection();
    }

    /**
     * {@code onOpen}.
     *
     * @param connection the connection
     */
    public record Open(Connection<?> connection) implements Event {
    }

    /**
     * {@code onMessage}.
     *
     * @param connection the connection
     * @param message    the message
     */
    public record Message(Connection<?> connection, Object message) implements Event {
    }

    /**
     * {@code onStateChange}.
     *
     * @param connection the connection
     * @param from       the state before
     * @param to         the state after
     */
    public record StateChange(Connection<?> connection, ConnectionState from, ConnectionState to) implements Event {
    }

    /**
     * {@code onClose}.
     *
     * @param connection the connection
     * @param reason     why it closed
     */
    public record Close(Connection<?> connection, CloseReason reason) implements Event {
    }

    /**
     * {@code onError}.
     *
     * @param connection the connection
     * @param error      what a callback threw
     */
    public record Error(Connection<?> connection, Throwable error) implements Event {
    }

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    /** Makes a listener that has recorded nothing yet. */
    public RecordingListener() {
    }

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

    /**
     * Takes the next event, waiting up to {@code timeout} for it.
     *
     * @param timeout how long to wait
     * @return the event
     * @throws AssertionError if none came in time
     * @throws InterruptedException if interrupted while waiting
     */
    public Event next(Duration timeout) throws InterruptedException {
        Event e = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (e == null) {
            throw new AssertionError("no listener event within " + timeout);
        }
        return e;
    }

    /**
     * Takes the next event, which must be of {@code type}, waiting up to 10 seconds for it.
     *
     * @param type the event type expected
     * @param <E>  the event type
     * @return the event
     * @throws AssertionError if none came in time or it was of another type
     * @throws InterruptedException if interrupted while waiting
     */
    public <E extends Event> E next(Class<E> type) throws InterruptedException {
        return next(type, DEFAULT_WAIT);
    }

    /**
     * Takes the next event, which must be of {@code type}, waiting up to {@code timeout} for it.
     *
     * @param type    the event type expected
     * @param timeout how long to wait
     * @param <E>     the event type
     * @return the event
     * @throws AssertionError if none came in time or it was of another type
     * @throws InterruptedException if interrupted while waiting
     */
    public <E extends Event> E next(Class<E> type, Duration timeout) throws InterruptedException {
        Event e = next(timeout);
        if (!type.isInstance(e)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + e);
        }
        return type.cast(e);
    }

    /**
     * Takes events until one of {@code type} comes, for a test that does not care about the ones before it.
     *
     * @param type    the event type awaited
     * @param timeout how long to wait in all
     * @param <E>     the event type
     * @return the event
     * @throws AssertionError if none came in time, naming the events skipped
     * @throws InterruptedException if interrupted while waiting
     */
    public <E extends Event> E await(Class<E> type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> skipped = new ArrayList<>();
        while (true) {
            Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeout + "; saw " + skipped);
            }
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            skipped.add(e);
        }
    }

    /**
     * Takes the next message, which must be {@code expected}.
     *
     * @param expected the message expected (compared with {@code equals})
     * @throws AssertionError if the next event is not that message
     * @throws InterruptedException if interrupted while waiting
     */
    public void nextMessage(Object expected) throws InterruptedException {
        Message m = next(Message.class);
        if (!expected.equals(m.message())) {
            throw new AssertionError("expected message " + expected + " but got " + m.message());
        }
    }

    /** {@return the events recorded and not yet taken, without taking them} */
    public List<Event> pending() {
        return List.copyOf(new ArrayList<>(events));
    }

    /**
     * Fails if any event is left.
     *
     * @throws AssertionError naming the events left
     */
    public void assertNoMore() {
        List<Event> left = pending();
        if (!left.isEmpty()) {
            throw new AssertionError("unexpected listener events: " + left);
        }
    }
}
