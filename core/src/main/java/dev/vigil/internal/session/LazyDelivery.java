package dev.vigil.internal.session;

import org.jetbrains.annotations.Nullable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * A sent message's delivery outcome, whose future is made only when someone asks for it ({@link #delivered()}: a
 * {@code sendConfirmed}, a test). A plain {@code send} never asks, so it costs no future; the peer's count settles the
 * message either way ({@link #confirm}, {@link #fail}), and a later ask gets a future already settled. The first
 * settlement wins, as with a future. Thread-safe and lock-free: the reader settles while a sender may ask.
 */
public abstract class LazyDelivery {
    private static final VarHandle STATE;
    /** Settled as delivered before anyone asked for the future. */
    private static final Object CONFIRMED = new Object();

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LazyDelivery.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Null (pending, nobody asked), the future, {@link #CONFIRMED}, or the Throwable it failed with. */
    @SuppressWarnings("unused") // through STATE
    private volatile @Nullable Object state;

    LazyDelivery() {
    }

    /** {@return the future that completes when the peer's count covers the message, or fails when it is handed back} */
    @SuppressWarnings("unchecked")
    public final CompletableFuture<Void> delivered() {
        while (true) {
            Object v = STATE.getVolatile(this);
            if (v instanceof CompletableFuture<?> f) {
                return (CompletableFuture<Void>) f;
            }
            CompletableFuture<Void> f = v == null ? new CompletableFuture<>()
                    : v == CONFIRMED ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture((Throwable) v);
            if (STATE.compareAndSet(this, v, f)) {
                return f;
            }
        }
    }

    /** The peer's count covered the message: its delivery future completes, now or when it is made. */
    public final void confirm() {
        settle(CONFIRMED);
    }

    /**
     * The message was handed back: its delivery future fails, now or when it is made.
     *
     * @param error why
     */
    public final void fail(Throwable error) {
        settle(error);
    }

    @SuppressWarnings("unchecked")
    private void settle(Object outcome) {
        while (true) {
            Object v = STATE.getVolatile(this);
            if (v instanceof CompletableFuture<?> f) {
                if (outcome == CONFIRMED) {
                    ((CompletableFuture<Void>) f).complete(null);
                } else {
                    f.completeExceptionally((Throwable) outcome);
                }
                return;
            }
            if (v != null || STATE.compareAndSet(this, null, outcome)) {
                return; // settled already, or now
            }
        }
    }
}
