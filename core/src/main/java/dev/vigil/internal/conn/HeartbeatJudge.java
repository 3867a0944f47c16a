package dev.vigil.internal.conn;

import dev.vigil.RttStats;
import org.jetbrains.annotations.Nullable;

/**
 * The heartbeat decision for one connection, as the core asks for it: a pure function of the time it is given and the
 * gaps it is fed. The manager side implements it over the configured {@link dev.vigil.HeartbeatPolicy}.
 * {@link #record} and {@link #rttSample} come from the reader, {@link #judge} from the timer.
 */
public interface HeartbeatJudge {
    /** Returned by {@link #pingAfter()} for a policy that never pings. */
    long NEVER = Long.MAX_VALUE;

    /** The silence after which a PING goes out, or {@link #NEVER}. */
    long pingAfter();

    /** Whether {@link #record} matters; when not, the reader skips it. */
    boolean adaptive();

    /** Records a gap between two signs of life. */
    void record(long gapNanos);

    /**
     * Applies the shortest PING interval the peer accepts.
     *
     * @return null if this side can live with it, else why the peer's HELLO is refused
     */
    @Nullable String peerMinPingInterval(long minNanos);

    /**
     * Judges the silence that began at {@code quietSince}.
     *
     * @param suspected whether the peer is suspect already
     */
    Verdict judge(long now, long quietSince, boolean suspected, Pauses pauses);

    /** Describes a verdict's silence for a close reason. */
    String explain(Verdict verdict);

    /** The cause a {@code HEARTBEAT_TIMEOUT} close carries, with the verdict's numbers. */
    Throwable timeoutCause(Verdict verdict, String message);

    /** How many PINGs {@link #judge} asked for. */
    long pings();

    /** Records a round trip. */
    void rttSample(long rttNanos);

    RttStats rtt();
}
