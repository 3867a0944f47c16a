package dev.vigil.internal.heartbeat;

import dev.vigil.internal.Durations;
import dev.vigil.HeartbeatTimeoutException;
import org.jetbrains.annotations.Nullable;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The heartbeat decision for one connection, as a pure function of time: given when the current silence began and
 * this JVM's measured stalls, it says whether to send a PING, mark the peer suspect, or declare it dead, and when to
 * ask again. It reads no clock and does no I/O, so it is tested on a fake clock.
 *
 * <p><b>Our own stalls.</b> Only silence outside this JVM's measured stalls ({@link LocalPauses}) counts towards
 * suspect and dead, so a dead peer is declared dead once {@code timeout + stall} has passed, where {@code stall} is
 * what was measured inside its silence: forgiven once, for exactly as long as it was measured. A PING goes out on the
 * real silence, so that its answer can clear the peer as early as possible.
 *
 * <p><b>Jitter.</b> Each silence draws its PING interval between {@code interval * (1 - jitter)} and
 * {@code interval}, never below the peer's announced minimum, from an injected source (tests make it
 * deterministic).
 *
 * <p>The detector may be fed gaps by the reader thread while the timer thread evaluates, so it sits behind this
 * object's monitor (around a few field reads and writes that never block; no lock object per connection); the rest
 * is the evaluating thread's alone.
 */
final class Liveness {

    /** What a silence calls for. */
    enum Action {
        /** Nothing yet. */
        NONE,
        /** Send a PING. */
        PING,
        /** Mark the peer suspect. */
        SUSPECT,
        /** Declare the peer dead and close. */
        DEAD
    }

    /**
     * One decision.
     *
     * @param action  what to do now; when a PING and the suspect point are both due, the PING comes first and
     *                {@code next} is {@code now}
     * @param next    when to evaluate again, {@link HeartbeatTimer#STOP} for never (after {@link Action#DEAD})
     * @param silence the real silence, {@code now - since}
     * @param stalled how much of that silence this JVM measurably stalled; not counted against the peer
     */
    record Verdict(Action action, long next, long silence, long stalled) {
        /** {@return the silence counted against the peer} */
        long judged() {
            return silence - stalled;
        }
    }

    private final DoubleSupplier random;
    private Detector detector;
    private long peerMinimum;
    private boolean pinged;
    private long lastPing;
    private long pings;
    private long drawnFor = Long.MIN_VALUE;
    private long drawnPingAfter = Detector.NEVER;

    /** A liveness whose jitter is drawn from {@link ThreadLocalRandom}. */
    Liveness(Detector detector) {
        this(detector, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param detector the verdicts on a silence
     * @param random   uniform draws from {@code [0, 1)} for the jitter; called on the evaluating thread
     */
    Liveness(Detector detector, DoubleSupplier random) {
        this.detector = detector;
        this.random = random;
    }

    /** Whether the detector learns from gaps; when not, the reader skips {@link #record}. */
    boolean adaptive() {
        return detector.adaptive();
    }

    /** The PING interval before jitter, {@link Detector#NEVER} for none. */
    long pingAfter() {
        synchronized (this) {
            return detector.pingAfter();
        }
    }

    /** Records a gap between two signs of life (reader thread). */
    void record(long gapNanos) {
        synchronized (this) {
            detector.record(gapNanos);
        }
    }

    /**
     * Applies the minimum PING interval a peer announced in its HELLO. It may slow our PINGs, never lengthen our
     * timeout: a minimum that leaves no room to PING within our own timeout (beyond halfway from our interval to it,
     * see {@link Detector#latestPingAfter()}) is refused.
     *
     * @param minNanos the peer's minimum, 0 for none
     * @return {@code null} when applied (or nothing to do), otherwise the message to refuse the peer with
     */
    @Nullable String applyPeerMinimum(long minNanos) {
        synchronized (this) {
            long own = detector.pingAfter();
            if (own == Detector.NEVER || minNanos <= own) {
                peerMinimum = Math.max(peerMinimum, Math.min(minNanos, own));
                return null;
            }
            long latest = detector.latestPingAfter();
            if (minNanos > latest) {
                return "peer accepts a PING at most every " + Durations.format(minNanos)
                        + ", which leaves no room to PING within our heartbeat timeout of "
                        + Durations.format(detector.bound()) + " (a PING must be allowed after "
                        + Durations.format(latest) + " of silence)";
            }
            peerMinimum = minNanos;
            detector = detector.withPingAfterAtLeast(minNanos);
            drawnFor = Long.MIN_VALUE;
            return null;
        }
    }

    /** How many PINGs {@link #evaluate} asked for. */
    long pings() {
        return pings;
    }

    /**
     * Decides what the silence that began at {@code since} calls for at {@code now}.
     *
     * @param now       the current time
     * @param since     when the silence began (the reader's last wait for bytes)
     * @param pauses    this JVM's measured stalls ({@link LocalPauses}); the part of the silence they cover is not
     *                  the peer's
     * @param suspected whether the peer is suspect already
     * @return the verdict, with when to ask again
     */
    Verdict evaluate(long now, long since, Stalls pauses, boolean suspected) {
        long pingAfter;
        long suspectAfter;
        long deadAfter;
        double jitter;
        synchronized (this) {
            pingAfter = detector.pingAfter();
            suspectAfter = detector.suspectAfter();
            deadAfter = detector.deadAfter();
            jitter = detector.jitter();
        }
        long silence = now - since;
        long stalled = pauses.stalledWithin(since, now);
        long judged = silence - stalled;
        if (deadAfter != Detector.NEVER && judged >= deadAfter) {
            return new Verdict(Action.DEAD, HeartbeatTimer.STOP, silence, stalled);
        }
        long earliestPing = earliestPing(pingAfter, jitter);
        if (since != drawnFor) {
            drawnFor = since;
            drawnPingAfter = pingAfter == Detector.NEVER ? Detector.NEVER
                    : Math.max(earliestPing, pingAfter - (long) (pingAfter * jitter * random.getAsDouble()));
        }
        // Judgement runs on the silence less our stalls; those deadlines move by whatever stall is measured later.
        long judgedSince = since + stalled;
        long suspectAt = suspected ? HeartbeatTimer.STOP : plus(judgedSince, suspectAfter);
        boolean pingedInSilence = pinged && lastPing - since >= 0;
        if (drawnPingAfter != Detector.NEVER && silence >= drawnPingAfter && !pingedInSilence) {
            pinged = true;
            lastPing = now;
            pings++;
            long next = suspectAt != HeartbeatTimer.STOP && suspectAt - now <= 0 ? now
                    : Math.min(Math.min(plus(judgedSince, deadAfter), suspectAt), plus(now, earliestPing));
            return new Verdict(Action.PING, next, silence, stalled);
        }
        if (suspectAt != HeartbeatTimer.STOP && suspectAt - now <= 0) {
            return new Verdict(Action.SUSPECT, next(now, since, judgedSince, deadAfter, HeartbeatTimer.STOP,
                    pingedInSilence, earliestPing), silence, stalled);
        }
        return new Verdict(Action.NONE, next(now, since, judgedSince, deadAfter, suspectAt, pingedInSilence,
                earliestPing), silence, stalled);
    }

    /** The next moment a verdict can change; always after {@code now}. */
    private long next(long now, long since, long judgedSince, long deadAfter, long suspectAt,
                      boolean pingedInSilence, long earliestPing) {
        long n = Math.min(plus(judgedSince, deadAfter), suspectAt);
        if (!pingedInSilence) {
            n = Math.min(n, plus(since, drawnPingAfter));
        } else {
            // An answer would start a new silence that the timer does not hear of; one arriving from now on is due a
            // PING no earlier than this, so looking then is soon enough, and never a busy loop.
            n = Math.min(n, plus(now, earliestPing));
        }
        return n;
    }

    /** The shortest PING interval a draw can give. */
    private long earliestPing(long pingAfter, double jitter) {
        if (pingAfter == Detector.NEVER) {
            return Detector.NEVER;
        }
        return Math.max(peerMinimum, pingAfter - (long) (pingAfter * jitter));
    }

    /**
     * Explains a verdict for a close reason: the real silence, the part of it that fell in our own stalls, and the
     * verdict on the rest: {@code silent for 2.4s, 350ms of it in this JVM's own measured stalls (timeout 2.0s)}.
     */
    String explain(Verdict verdict) {
        synchronized (this) {
            return detector.explain(verdict.judged(), verdict.stalled());
        }
    }

    /** {@return the exception a heartbeat-timeout close carries as its cause, with the numbers of the verdict} */
    HeartbeatTimeoutException timeout(Verdict verdict, String message) {
        long dead;
        synchronized (this) {
            dead = detector.deadAfter();
        }
        return new HeartbeatTimeoutException(message, Duration.ofNanos(verdict.silence()), Duration.ofNanos(dead),
                Duration.ofNanos(verdict.stalled()));
    }

    private static long plus(long at, long after) {
        return after == Detector.NEVER ? HeartbeatTimer.STOP : at + after;
    }
}
