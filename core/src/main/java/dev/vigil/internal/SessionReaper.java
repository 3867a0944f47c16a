package dev.vigil.internal;

import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionListener;
import dev.vigil.CloseReason;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionListener;
import dev.vigil.internal.session.Expiry;
import dev.vigil.internal.session.ReplayBuffer;
import dev.vigil.internal.session.SessionTable;
import dev.vigil.internal.session.Settlement;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's session timer: one virtual thread, {@code vigil-sessions-timer}, started when the first session
 * lingers, that wakes at the session table's next linger deadline and lets go of the sessions whose linger ran out,
 * firing {@link SessionListener#onSessionExpired} for each, one at a time, with the messages the client never
 * delivered. The decision is {@link #expire(long)}, a function of {@code now} a test calls on a fake clock.
 *
 * @param <M> the type of messages
 */
final class SessionReaper<M> {
    private static final Logger log = LoggerFactory.getLogger(SessionReaper.class);
    /** Wakes at least this often, so a clock that jumped is noticed. */
    private static final long MAX_WAIT = TimeUnit.SECONDS.toNanos(1);

    private final SessionTable<M, Connection<M>> table;
    private final Ticker ticker;
    private final ConnectionListener<M> listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private @Nullable Thread thread;
    private boolean stopped;

    SessionReaper(SessionTable<M, Connection<M>> table, Ticker ticker, ConnectionListener<M> listener) {
        this.table = table;
        this.ticker = ticker;
        this.listener = listener;
    }

    /** A session started lingering: the timer looks at its deadline (and starts, the first time). */
    void wake() {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            if (thread == null) {
                thread = Thread.ofVirtual().name("vigil-sessions-timer")
                        .uncaughtExceptionHandler((t, e) -> log.error("uncaught exception in {}", t.getName(), e))
                        .start(this::run);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the timer; lingering sessions are ended by the table's {@code endAll}, without expiry events. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            long now;
            lock.lock();
            try {
                while (true) {
                    if (stopped) {
                        return;
                    }
                    now = ticker.nanoTime();
                    long wait = table.nextDeadline() - now;
                    if (wait <= 0) {
                        break;
                    }
                    ticker.awaitNanos(changed, Math.min(wait, MAX_WAIT));
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                expire(now);
            } catch (RuntimeException e) {
                log.error("session expiry failed; the timer carries on", e); // periodic work never dies quietly
            }
        }
    }

    /**
     * Lets go of every session whose linger ran out by {@code now}, each reported once.
     *
     * @param now the ticker's time
     * @return how many expired
     */
    int expire(long now) {
        List<Expiry<M, Connection<M>>> expired = table.poll(now);
        for (Expiry<M, Connection<M>> e : expired) {
            List<ReplayBuffer.Entry<M>> back = e.undelivered();
            String detail = "session " + e.session() + " expired after its linger: " + back.size()
                    + " messages the client never delivered handed back";
            log.info("{} (last connection conn-{})", detail, e.lastConnection().id());
            List<M> messages = Settlement.handBack(back, e.session(), ResumeFailure.EXPIRED, detail);
            ConnectionClosedException gone = new ConnectionClosedException(
                    CloseReason.local(CloseReason.Kind.CLOSED_LOCALLY, detail));
            for (ReplayBuffer.Entry<M> entry : back) {
                entry.written().completeExceptionally(gone);
            }
            if (listener instanceof SessionListener<M> l) {
                try {
                    l.onSessionExpired(e.lastConnection(), e.session(), messages);
                } catch (RuntimeException t) {
                    log.warn("listener.onSessionExpired threw for session {}; ignored", e.session(), t);
                }
            }
        }
        return expired.size();
    }
}
