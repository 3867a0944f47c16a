package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.ConnectionState;
import dev.vigil.RttStats;
import dev.vigil.internal.Durations;
import dev.vigil.internal.jfr.VigilEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Every deadline of one connection, judged as a function of the {@code now} the timer passes in: the handshake
 * timeout (and, in a framing without a HELLO, the server's wait for the first complete frame), the close timeout,
 * and the heartbeat. The reader only records when it starts and stops waiting for bytes (as Netty's
 * {@code IdleStateHandler} does); silence counts only while it waits (or is blocked writing to the peer), since a
 * reader busy in a callback proves nothing about the peer. Life is a complete frame: silence is measured from the
 * end of the last read that completed one (or the handshake), so bytes dripped into a frame that never ends are
 * silence.
 */
final class Timing<M> {
    private static final Logger log = LoggerFactory.getLogger(Timing.class);
    /** How long to look again when bytes have arrived that the reader has not handled yet. */
    private static final long DEFER = TimeUnit.MILLISECONDS.toNanos(10);

    private final ConnectionCore<M> core;
    private final HeartbeatJudge heartbeat;
    private final Outbound<M> outbound;
    private final long handshakeDeadline;
    private volatile boolean awaitingFirstFrame;
    private volatile long quietSince;
    private volatile boolean readerWaiting;
    /** A read completed a frame since the reader last waited (reader only). */
    private boolean lifeSeen;
    private long lastLife;

    Timing(ConnectionCore<M> core, HeartbeatJudge heartbeat, Outbound<M> outbound, long createdNanos,
           long handshakeDeadline, boolean awaitFirstFrame) {
        this.core = core;
        this.heartbeat = heartbeat;
        this.outbound = outbound;
        this.quietSince = createdNanos;
        this.handshakeDeadline = handshakeDeadline;
        this.awaitingFirstFrame = awaitFirstFrame;
    }

    long handshakeDeadline() {
        return handshakeDeadline;
    }

    // ---- the reader's timestamps ----

    void opened(long now) {
        quietSince = now;
        lastLife = now;
        lifeSeen = true;
    }

    void waiting(long now) {
        if (lifeSeen) {
            lifeSeen = false;
            quietSince = now; // the callbacks of the frames it read are done: silence starts now
        }
        readerWaiting = true;
    }

    /** A read at {@code now} completed at least one frame: the peer is alive. */
    void life(long now) {
        quietSince = now;
        lifeSeen = true;
        long gap = now - lastLife;
        lastLife = now;
        arrived(gap);
    }

    void notWaiting() {
        readerWaiting = false;
    }

    /** {@return whether the reader waits for the peer (in a read, or blocked writing to it), not busy with us} */
    boolean readerWaiting() {
        return readerWaiting || outbound.writer.readerInWrite();
    }

    void firstFrame() {
        awaitingFirstFrame = false;
    }

    /** A frame arrived {@code gap} after the previous one: feed an adaptive policy, and clear a suspicion. */
    private void arrived(long gap) {
        if (heartbeat.adaptive() && gap >= heartbeat.pingAfter() / 2) {
            heartbeat.record(gap);
        }
        if (core.state() == ConnectionState.SUSPECT && core.transition(ConnectionState.SUSPECT,
                ConnectionState.ACTIVE)) {
            VigilEvents.stateChanged(core, ConnectionState.SUSPECT, ConnectionState.ACTIVE, -1);
            core.dispatch.stateChange(ConnectionState.SUSPECT, ConnectionState.ACTIVE);
        }
    }

    // ---- the timer ----

    long onTimer(long now, Pauses pauses, ConnectionState state) {
        return switch (state) {
            case CONNECTING -> {
                if (now - handshakeDeadline >= 0) {
                    core.abort(CloseReason.local(Kind.HANDSHAKE_TIMEOUT, "no HELLO from the peer within "
                            + Durations.format(core.settings().handshakeTimeout().toNanos())), false);
                    yield ConnectionCore.NO_DEADLINE;
                }
                yield handshakeDeadline;
            }
            case CLOSING -> {
                long deadline = core.closeDeadline();
                if (deadline != ConnectionCore.NO_DEADLINE && now - deadline >= 0) {
                    log.debug("{}: peer did not finish closing within {}; closing the transport", core.logName(),
                            Durations.format(core.settings().closeTimeout().toNanos()));
                    core.forceClose();
                    yield ConnectionCore.NO_DEADLINE;
                }
                yield deadline;
            }
            case CLOSED -> ConnectionCore.NO_DEADLINE;
            case ACTIVE, SUSPECT -> {
                if (!awaitingFirstFrame) {
                    yield heartbeat(now, pauses, state);
                }
                if (now - handshakeDeadline >= 0) {
                    core.abort(CloseReason.local(Kind.HANDSHAKE_TIMEOUT, "no complete line from the peer within "
                            + Durations.format(core.settings().handshakeTimeout().toNanos())), false);
                    yield ConnectionCore.NO_DEADLINE;
                }
                yield Math.min(handshakeDeadline, heartbeat(now, pauses, state));
            }
        };
    }

    private long heartbeat(long now, Pauses pauses, ConnectionState state) {
        outbound.writer.trimIdle(now, heartbeat.pingAfter(), outbound);
        if (!readerWaiting && !outbound.writer.readerInWrite()) {
            // The reader is busy (a callback, decoding): it is not waiting, so no silence is proven yet.
            return now + Math.min(heartbeat.pingAfter(), TimeUnit.SECONDS.toNanos(1));
        }
        Verdict verdict = heartbeat.judge(now, quietSince, state == ConnectionState.SUSPECT, pauses);
        if (verdict.dead()) {
            if (unheard()) {
                return now + DEFER; // bytes arrived and the reader is about to run: not silence
            }
            if (!core.heartbeatTimeout(deadReason(verdict), now)) {
                return ConnectionCore.NO_DEADLINE;
            }
            VigilEvents.heartbeatTimeout(core, verdict.silence(), heartbeat.pings() - core.pings.answered(),
                    verdict.stalled(), heartbeat.rtt());
            return core.closeDeadline();
        }
        if (verdict.suspect() && !unheard()
                && core.transition(ConnectionState.ACTIVE, ConnectionState.SUSPECT)) {
            log.info("{}: peer suspect after {} of silence", core.logName(), Durations.format(verdict.judged()));
            VigilEvents.stateChanged(core, ConnectionState.ACTIVE, ConnectionState.SUSPECT, verdict.judged());
            core.dispatch.postStateChange(ConnectionState.ACTIVE, ConnectionState.SUSPECT);
        }
        if (verdict.ping()) {
            outbound.requestPing();
        }
        return verdict.next();
    }

    /**
     * Whether the peer's bytes are here but not yet read: the reader is runnable, or it waits in a read while bytes
     * wait in the transport (this process did not schedule it). Either way the silence is ours, not the peer's.
     */
    private boolean unheard() {
        return core.readerBusy() || (readerWaiting && core.bytesWaiting());
    }

    private CloseReason deadReason(Verdict verdict) {
        RttStats last = heartbeat.rtt();
        Pings pings = core.pings;
        String message = "no sign of life: " + heartbeat.explain(verdict) + "; PING #" + heartbeat.pings()
                + (pings.outstanding() ? " unanswered" : "") + ", " + pings.answered() + " answered"
                + (last.samples() > 0 ? ", last RTT " + Durations.format(last.last().toNanos()) : "");
        return new CloseReason(Kind.HEARTBEAT_TIMEOUT, false, message, heartbeat.timeoutCause(verdict, message));
    }
}
