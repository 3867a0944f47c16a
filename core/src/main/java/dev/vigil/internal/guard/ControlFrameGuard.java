package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Limits;
import org.jetbrains.annotations.Nullable;

/**
 * The flood limit on control frames: every kind counts, PONGs included. An unsolicited PONG is a sign of life and is
 * allowed; a million of them is abuse. This is not the PING-interval enforcer (which judges the spacing of PINGs
 * against {@code minPeerPingInterval} with strikes); it is a plain {@link TokenBucket} over all control frames whose
 * only action is to close with {@link Kind#POLICY_VIOLATION}: throttling would delay the PONGs our own heartbeat
 * waits for.
 *
 * <p>Not thread-safe: one connection's reader owns it.
 */
public final class ControlFrameGuard {

    /** The kinds of control frame, binary ({@code PING}, {@code PONG}, {@code CLOSE}) or line mode. */
    public enum Type {
        /** A PING frame, or a {@code PING} line. */
        PING,
        /** A PONG frame, or a {@code PONG} line. */
        PONG,
        /** A CLOSE frame. */
        CLOSE
    }

    private final @Nullable TokenBucket bucket;
    /** The kinds counted since the bucket was last full, as fields: an array would cost a connection 40 bytes more. */
    private long pings;
    private long pongs;
    private long closes;

    /**
     * A guard for one connection.
     *
     * @param limits the manager's limits; {@link Limits#controlFrameRate()} off disables this guard
     * @param now    the current ticker time
     */
    public ControlFrameGuard(Limits limits, long now) {
        Limits.Rate r = limits.controlFrameRate();
        this.bucket = r.isOff() ? null : new TokenBucket(r.perSecond(), r.burst(), now);
    }

    /**
     * Counts one control frame.
     *
     * @param type what kind
     * @param now  the ticker time it was decoded
     * @return {@link Verdict#CONTINUE}, or a close naming the rate and the mix of kinds
     */
    public Verdict onControl(Type type, long now) {
        if (bucket == null) {
            return Verdict.CONTINUE;
        }
        bucket.level(now); // refills, and forgets what was taken if that made it full again
        if (bucket.takenSinceFull() == 0) {
            pings = 0;
            pongs = 0;
            closes = 0;
        }
        switch (type) {
            case PING -> pings++;
            case PONG -> pongs++;
            case CLOSE -> closes++;
        }
        if (bucket.take(1, now) == 0) {
            return Verdict.CONTINUE;
        }
        StringBuilder mix = new StringBuilder();
        for (Type t : Type.values()) {
            long n = switch (t) {
                case PING -> pings;
                case PONG -> pongs;
                case CLOSE -> closes;
            };
            if (n > 0) {
                mix.append(mix.isEmpty() ? "" : ", ").append(Format.count(n)).append(' ').append(t);
            }
        }
        return Verdict.close(CloseReason.local(Kind.POLICY_VIOLATION, "control-frame flood: peer sent "
                + bucket.describe("control frames", now) + " (" + mix + ")"));
    }
}
