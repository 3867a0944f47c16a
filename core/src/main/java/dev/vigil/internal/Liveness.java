package dev.vigil.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The heartbeat decision for one connection, as a pure function of time: given when the current silence began, it
 * says whether to send a PING, mark the peer suspect, or declare it dead, and when to ask again. It reads no clock and
 * does no I/O, so it is tested on a fake clock.
 *
 * <p>The detector may be fed gaps by the reader thread while the timer thread evaluates, so it sits behind a lock;
 * the rest is the timer thread's alone.
 */
final class Liveness {
    static final int PING = 1;
    static final int SUSPECT = 2;
    static final int DEAD = 4;

    private final ReentrantLock lock = new ReentrantLock();
    private Detector detector;
    private boolean pinged;
    private long lastPing;
    private long pings;
    private long next = HeartbeatTimer.STOP;

    Liveness(Detector detector) {
        this.detector = detector;
    }

    /** Whether the detector learns from gaps; when not, the reader skips {@link #record}. */
    boolean adaptive() {
        return detector.adaptive();
    }

    long pingAfter() {
        return detector.pingAfter();
    }

    /** Records a gap between two signs of life (reader thread). */
    void record(long gapNanos) {
        lock.lock();
        try {
            detector.record(gapNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Raises the PING interval to the peer's minimum, keeping the time allowed for an answer. */
    void raisePingInterval(long minNanos) {
        lock.lock();
        try {
            detector = detector.withPingAfterAtLeast(minNanos);
        } finally {
            lock.unlock();
        }
    }

    /** How many PINGs {@link #evaluate} asked for. */
    long pings() {
        return pings;
    }

    /**
     * Decides what the silence that began at {@code since} calls for at {@code now}.
     *
     * <p>A pause of our own postpones judgement, not evidence: suspect and dead count silence only from the end of
     * the pause (the peer gets a fresh timeout), while a PING goes out as soon as the peer has really been silent for
     * the interval, so that the answer can clear it early.
     *
     * @param now       the current time
     * @param since     when the silence began (the reader's last wait for bytes)
     * @param pauseEnd  when our last detected pause ended
     * @param suspected whether the peer is suspect already
     * @return {@link #PING}, {@link #SUSPECT} and {@link #DEAD} or'ed together; {@link #next()} then tells when to
     *         ask again
     */
    int evaluate(long now, long since, long pauseEnd, boolean suspected) {
        long judgedSince = Math.max(since, pauseEnd);
        long pingAfter;
        long suspectAfter;
        long deadAfter;
        lock.lock();
        try {
            pingAfter = detector.pingAfter();
            suspectAfter = detector.suspectAfter();
            deadAfter = detector.deadAfter();
        } finally {
            lock.unlock();
        }
        long silence = now - since;
        long judged = now - judgedSince;
        if (deadAfter != Detector.NEVER && judged >= deadAfter) {
            next = HeartbeatTimer.STOP;
            return DEAD;
        }
        int actions = 0;
        if (!suspected && suspectAfter != Detector.NEVER && judged >= suspectAfter) {
            actions |= SUSPECT;
            suspected = true;
        }
        boolean pingedInSilence = pinged && lastPing - since >= 0;
        if (pingAfter != Detector.NEVER && silence >= pingAfter && !pingedInSilence) {
            actions |= PING;
            pinged = true;
            lastPing = now;
            pings++;
            pingedInSilence = true;
        }
        long n = plus(judgedSince, deadAfter);
        if (!suspected) {
            n = Math.min(n, plus(judgedSince, suspectAfter));
        }
        if (!pingedInSilence) {
            n = Math.min(n, plus(since, pingAfter));
        } else {
            // The answer will start a new silence that the timer does not hear of: look again an interval after the
            // PING, or the next PING would wait for the suspect point.
            n = Math.min(n, plus(lastPing, pingAfter));
        }
        next = n;
        return actions;
    }

    /** When to evaluate again, as of the last {@link #evaluate}; {@link HeartbeatTimer#STOP} for never. */
    long next() {
        return next;
    }

    /** Explains a silence for a close reason. */
    String explain(long silenceNanos) {
        lock.lock();
        try {
            return detector.explain(silenceNanos);
        } finally {
            lock.unlock();
        }
    }

    private static long plus(long at, long after) {
        return after == Detector.NEVER ? HeartbeatTimer.STOP : at + after;
    }
}
