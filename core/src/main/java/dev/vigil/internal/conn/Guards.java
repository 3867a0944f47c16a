package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.ConnectionState;
import dev.vigil.Limits;
import dev.vigil.internal.guard.ControlFrameGuard;
import dev.vigil.internal.guard.FrameProgressGuard;
import dev.vigil.internal.guard.PartialFrameBudget;
import dev.vigil.internal.guard.RateGuard;
import dev.vigil.internal.guard.Verdict;
import dev.vigil.internal.guard.WriteProgressGuard;
import dev.vigil.internal.wire.Fatal;
import org.jetbrains.annotations.Nullable;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection's defences against a hostile peer, called by the core at a few points: per decoded frame (data
 * rates, control-frame floods), after each read (frames that never complete, the manager's budget for partial
 * frames), and on the timer (the same frames when nothing more arrives, and the write deadline). The decisions are
 * the {@code guard} package's; this class only feeds them and carries out their verdicts. In the common case (no
 * limit hit) nothing here allocates.
 *
 * <p>Threads: the per-frame and per-read calls come from the reader; {@link #onTimer} from the timer; the frame
 * progress guard, which both feed, is under a lock of its own.
 */
final class Guards {
    /** The connection whose reader (or event thread) the current thread is, if it is one of ours. */
    private static final ThreadLocal<ConnectionCore<?>> OWNER = new ThreadLocal<>();

    private final ConnectionCore<?> core;
    private final @Nullable RateGuard rate;
    private final ControlFrameGuard control;
    private final @Nullable FrameProgressGuard progress;
    private final ReentrantLock progressLock = new ReentrantLock();
    private final @Nullable WriteProgressGuard writes;
    private final PartialFrameBudget.Holder<ConnectionCore<?>> holder;
    /** What a data frame costs on the wire beyond its payload: its header, or a line's newline. */
    private final int frameOverhead;
    /** The reader stops decoding and reading until {@link #pausedUntil}: the peer is over its data rate. */
    private volatile boolean pausing;
    private long pausedUntil;

    Guards(ConnectionCore<?> core, ManagerGuards shared, long now, int frameOverhead) {
        Limits limits = shared.limits();
        this.core = core;
        RateGuard r = new RateGuard(limits, now);
        this.rate = r.enabled() ? r : null;
        this.control = new ControlFrameGuard(limits, now);
        this.progress = limits.frameDeadline().isZero() ? null
                : new FrameProgressGuard(limits.frameDeadline().toNanos(), limits.minFrameDataRate());
        this.writes = limits.writeDeadline().isZero() ? null
                : new WriteProgressGuard(limits.writeDeadline().toNanos());
        this.holder = shared.budget().register(core);
        this.frameOverhead = frameOverhead;
    }

    // ---- threads ----

    /** The current thread is {@code core}'s reader (null: no longer): its sends to others must not block on them. */
    static void ownedBy(@Nullable ConnectionCore<?> core) {
        if (core == null) {
            OWNER.remove();
        } else {
            OWNER.set(core);
        }
    }

    /** {@return whether the current thread belongs to a connection other than {@code target}} */
    static boolean onAnotherConnection(ConnectionCore<?> target) {
        ConnectionCore<?> owner = OWNER.get();
        return owner != null && owner != target;
    }

    // ---- the reader, per frame ----

    /** A data frame of {@code len} payload bytes was decoded at {@code now}. */
    void onData(int len, long now) throws Fatal {
        if (rate == null) {
            return;
        }
        Verdict v = rate.onData((long) len + frameOverhead, now);
        if (v instanceof Verdict.Pause p) {
            pausedUntil = p.untilNanos();
            pausing = true;
        } else if (v instanceof Verdict.Close c) {
            throw fatal(c.reason());
        }
    }

    /** A control frame was decoded at {@code now}; every kind counts toward the flood limit. */
    void onControl(ControlFrameGuard.Type type, long now) throws Fatal {
        if (control.onControl(type, now) instanceof Verdict.Close c) {
            throw fatal(c.reason());
        }
    }

    /** {@return whether the decoder should stop after this frame: the reader is to pause} */
    boolean pausing() {
        return pausing;
    }

    /**
     * {@return how long the reader should wait, from {@code now}, before it decodes or reads again: 0 if it is not
     * paused, -1 if its pause has just ended (it should decode what it left in its buffer before reading)}
     */
    long pauseLeft(long now) {
        if (!pausing) {
            return 0;
        }
        long left = pausedUntil - now;
        if (left > 0) {
            return left;
        }
        pausing = false;
        return -1;
    }

    // ---- the reader, per read ----

    /**
     * One read was decoded: {@code partialBytes} of an incomplete frame are left in the buffer.
     *
     * @throws Fatal if the frame in progress is too slow, or this connection was chosen to free the budget
     */
    void afterRead(long now, int partialBytes, long framesCompleted) throws Fatal {
        if (pausing) {
            return; // the buffer still holds whole frames, not yet decoded: nothing to judge
        }
        if (progress != null) {
            Verdict v;
            progressLock.lock();
            try {
                v = progress.afterRead(now, partialBytes, framesCompleted);
            } finally {
                progressLock.unlock();
            }
            if (v instanceof Verdict.Close c) {
                throw fatal(c.reason());
            }
        }
        List<PartialFrameBudget.Eviction<ConnectionCore<?>>> evictions = holder.hold(partialBytes);
        if (evictions.isEmpty()) {
            return;
        }
        CloseReason mine = null;
        for (PartialFrameBudget.Eviction<ConnectionCore<?>> e : evictions) {
            if (e.owner() == core) {
                mine = e.reason();
            } else {
                e.owner().heartbeatTimeout(e.reason(), now); // tells that peer why, off this thread
            }
        }
        if (mine != null) {
            throw fatal(mine);
        }
    }

    /** The connection is over: what it held of the budget is given back. */
    void close() {
        holder.close();
    }

    // ---- the timer ----

    /**
     * Judges the frame in progress and the writes at {@code now}, after the heartbeat chose {@code next}.
     *
     * @param readerWaiting whether the reader waits on the peer: a frame in progress is judged only then, since a
     *                      reader busy in a callback reads nothing, through no fault of the peer
     * @param bytesWritten the bytes the socket has taken so far
     * @param pending      the bytes inside a write that has not returned
     * @return the next deadline
     */
    long onTimer(long now, long next, ConnectionState state, boolean readerWaiting, long bytesWritten, int pending) {
        if (state != ConnectionState.ACTIVE && state != ConnectionState.SUSPECT) {
            return next;
        }
        if (writes != null) {
            if (writes.check(now, bytesWritten, pending) instanceof Verdict.Close c) {
                core.abort(c.reason(), false); // closing the socket frees the writer stuck in it
                return ConnectionCore.NO_DEADLINE;
            }
            if (pending > 0) {
                next = Math.min(next, writes.nextCheck(now));
            }
        }
        if (progress != null && !pausing && readerWaiting) {
            Verdict v;
            long check;
            progressLock.lock();
            try {
                v = progress.check(now);
                check = progress.nextCheck();
            } finally {
                progressLock.unlock();
            }
            if (v instanceof Verdict.Close c) {
                core.heartbeatTimeout(c.reason(), now); // tells the peer why, without the timer blocking on it
                return core.closeDeadline();
            }
            next = Math.min(next, check);
        }
        return next;
    }

    private static Fatal fatal(CloseReason reason) {
        return new Fatal(reason.kind(), reason.message());
    }
}
