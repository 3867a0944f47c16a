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
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection's defences against a hostile peer, called by the core at a few points: per decoded frame (data
 * rates, control-frame floods), after each read (frames that never complete, the manager's budget for partial
 * frames), and on the timer (the same frames when nothing more arrives, and the write deadline). The decisions are
 * the {@code guard} package's; this class only feeds them and carries out their verdicts. In the common case (no
 * limit hit) nothing here allocates.
 *
 * <p>Threads: the per-frame and per-read calls come from the reader; {@link #onTimer} from the timer; the frame
 * progress guard, which both feed, is under this object's monitor. The frame progress guard and the budget share
 * are made on the first partial frame: a connection whose frames arrive whole holds neither.
 */
final class Guards {
    /**
     * The connection each of our reader threads belongs to. A map, not a {@code ThreadLocal}: that would give every
     * reader thread a map of its own (some 140 bytes per idle connection, against some 40 here).
     */
    private static final ConcurrentHashMap<Thread, ConnectionCore<?>> OWNERS = new ConcurrentHashMap<>();

    private final ConnectionCore<?> core;
    private final @Nullable RateGuard rate;
    private final ControlFrameGuard control;
    private final ManagerGuards shared;
    /**
     * Made on the first partial frame, not before: an idle connection whose frames arrive whole never needs it.
     * Guarded by {@code this} (the reader and the timer share it; nothing under the lock blocks).
     */
    private @Nullable FrameProgressGuard progress;
    private final @Nullable WriteProgressGuard writes;
    /** This connection's share of the manager's partial-frame budget: registered on the first partial frame too. */
    private PartialFrameBudget.@Nullable Holder<ConnectionCore<?>> holder;
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
        this.shared = shared;
        this.writes = limits.writeDeadline().isZero() ? null
                : new WriteProgressGuard(limits.writeDeadline().toNanos());
        this.frameOverhead = frameOverhead;
    }

    // ---- threads ----

    /** The current thread is {@code core}'s reader (null: no longer): its sends to others must not block on them. */
    static void ownedBy(@Nullable ConnectionCore<?> core) {
        if (core == null) {
            OWNERS.remove(Thread.currentThread());
        } else {
            OWNERS.put(Thread.currentThread(), core);
        }
    }

    /** {@return whether the current thread belongs to a connection other than {@code target}} */
    static boolean onAnotherConnection(ConnectionCore<?> target) {
        if (target.onReader()) {
            return false; // a reply from target's own callback, the common send: no look-up in the shared map
        }
        ConnectionCore<?> owner = OWNERS.get(Thread.currentThread());
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
        Limits limits = shared.limits();
        if (!limits.frameDeadline().isZero()) {
            Verdict v = Verdict.CONTINUE;
            synchronized (this) {
                if (progress == null && partialBytes > 0) {
                    progress = new FrameProgressGuard(limits.frameDeadline().toNanos(), limits.minFrameDataRate());
                }
                if (progress != null) { // before its first partial frame it would say CONTINUE, and hold nothing
                    v = progress.afterRead(now, partialBytes, framesCompleted);
                }
            }
            if (v instanceof Verdict.Close c) {
                throw fatal(c.reason());
            }
        }
        PartialFrameBudget.Holder<ConnectionCore<?>> h = holder;
        if (h == null) {
            if (partialBytes == 0) {
                return; // nothing held, nothing to hold
            }
            h = holder = shared.budget().register(core);
        }
        List<PartialFrameBudget.Eviction<ConnectionCore<?>>> evictions = h.hold(partialBytes);
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
        if (holder != null) {
            holder.close();
        }
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
        if (!pausing && readerWaiting) {
            Verdict v;
            long check;
            synchronized (this) {
                if (progress == null) {
                    return next;
                }
                v = progress.check(now);
                check = progress.nextCheck();
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
