package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Listener calls for one connection, one at a time and in order ({@link ConnectionListener}'s contract). The reader
 * calls the listener directly; an event found elsewhere (the timer marking the peer suspect) is queued and delivered
 * on a short-lived thread after any running callback, or by the reader before its next callback. Nothing is
 * delivered after {@code onClose}. A callback that throws is logged and passed to {@code onError}.
 */
final class Dispatch<M> {
    private static final Logger log = LoggerFactory.getLogger(Dispatch.class);
    private static final VarHandle EVENTS;
    private static final VarHandle DRAIN_SCHEDULED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            EVENTS = lookup.findVarHandle(Dispatch.class, "events", ConcurrentLinkedQueue.class);
            DRAIN_SCHEDULED = lookup.findVarHandle(Dispatch.class, "drainScheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionCore<M> connection;
    private final ConnectionListener<M> listener;
    private final ReentrantLock callbackLock = new ReentrantLock();
    // Fields behind VarHandles, the queue made on the first event: most connections never see one, and an empty
    // queue and an AtomicBoolean would cost each of them 64 bytes.
    private volatile @Nullable ConcurrentLinkedQueue<Runnable> events;
    private volatile boolean drainScheduled;
    private boolean closeDelivered;

    Dispatch(ConnectionCore<M> connection, ConnectionListener<M> listener) {
        this.connection = connection;
        this.listener = listener;
    }

    void open() {
        callbackLock.lock();
        try {
            listener.onOpen(connection);
        } catch (Throwable t) {
            failed("onOpen", t);
        } finally {
            callbackLock.unlock();
        }
        if (connection.outbound.session != null) {
            connection.outbound.session.opened(); // the session's events come right after onOpen
        }
    }

    /** A session event, on the reader, in order with the connection's other callbacks. */
    void call(String callback, Runnable event) {
        callbackLock.lock();
        try {
            drainLocked();
            event.run();
        } catch (Throwable t) {
            failed(callback, t);
        } finally {
            callbackLock.unlock();
        }
    }

    void message(M message) {
        callbackLock.lock();
        try {
            drainLocked();
            listener.onMessage(connection, message);
        } catch (Throwable t) {
            failed("onMessage", t);
        } finally {
            callbackLock.unlock();
        }
    }

    /** A state change seen by the reader: delivered now, after anything queued. */
    void stateChange(ConnectionState from, ConnectionState to) {
        callbackLock.lock();
        try {
            drainLocked();
            listener.onStateChange(connection, from, to);
        } catch (Throwable t) {
            failed("onStateChange", t);
        } finally {
            callbackLock.unlock();
        }
    }

    /** A state change seen off the reader (by the timer, which must not block): queued for a short-lived thread. */
    void postStateChange(ConnectionState from, ConnectionState to) {
        ConcurrentLinkedQueue<Runnable> queue = events;
        if (queue == null) {
            ConcurrentLinkedQueue<Runnable> made = new ConcurrentLinkedQueue<>();
            Object witness = EVENTS.compareAndExchange(this, (ConcurrentLinkedQueue<?>) null, made);
            queue = witness == null ? made : events;
        }
        Objects.requireNonNull(queue).add(() -> listener.onStateChange(connection, from, to));
        if (DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
            connection.spawn("events", this::drain);
        }
    }

    /** Delivers {@code onClose} (if the connection ever opened) after anything queued; nothing comes after it. */
    void close(CloseReason reason, boolean opened) {
        callbackLock.lock();
        try {
            drainLocked();
            closeDelivered = true;
            if (opened) {
                try {
                    listener.onClose(connection, reason);
                } catch (Throwable t) {
                    rethrowIfFatal(t);
                    log.warn("{}: listener.onClose threw; ignored", connection.logName(), t);
                }
            }
        } finally {
            callbackLock.unlock();
        }
        if (connection.outbound.session != null) {
            connection.outbound.session.ended(reason); // after onClose: what the session's end hands back
        }
    }

    private void drain() {
        callbackLock.lock();
        try {
            drainScheduled = false;
            drainLocked();
        } finally {
            callbackLock.unlock();
        }
    }

    private void drainLocked() {
        ConcurrentLinkedQueue<Runnable> queue = events;
        Runnable event;
        while (queue != null && (event = queue.poll()) != null) {
            if (closeDelivered) {
                continue;
            }
            try {
                event.run();
            } catch (Throwable t) {
                failed("onStateChange", t);
            }
        }
    }

    private void failed(String callback, Throwable t) {
        rethrowIfFatal(t);
        log.warn("{}: listener.{} threw; the connection stays open", connection.logName(), callback, t);
        try {
            listener.onError(connection, t);
        } catch (Throwable t2) {
            rethrowIfFatal(t2);
            log.warn("{}: listener.onError threw; ignored", connection.logName(), t2);
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError error) {
            throw error;
        }
    }
}
