package dev.vigil.internal;

import dev.vigil.HeartbeatPolicy;
import dev.vigil.RttStats;
import dev.vigil.internal.conn.HeartbeatJudge;
import dev.vigil.internal.conn.Pauses;
import dev.vigil.internal.conn.Verdict;
import org.jetbrains.annotations.Nullable;

/**
 * A connection's {@link HeartbeatJudge} over the heartbeat machinery of this package: {@link Liveness} with the
 * policy's {@link Detector}, and an {@link RttEstimator}.
 */
public final class LivenessJudge implements HeartbeatJudge {
    private final Liveness liveness;
    private final RttEstimator rtt = new RttEstimator();
    private final IntervalRaised intervalRaised;

    /** Hears that a peer's minimum PING interval raised this side's. */
    @FunctionalInterface
    public interface IntervalRaised {
        /** Nothing to hear. */
        IntervalRaised IGNORE = (own, min) -> { };

        void raised(long ownNanos, long minNanos);
    }

    /**
     * @param policy         the heartbeat policy
     * @param intervalRaised told when a peer's minimum raises this side's PING interval
     */
    public LivenessJudge(HeartbeatPolicy policy, IntervalRaised intervalRaised) {
        this.liveness = new Liveness(Detector.of(policy));
        this.intervalRaised = intervalRaised;
    }

    @Override
    public long pingAfter() {
        return liveness.pingAfter();
    }

    @Override
    public boolean adaptive() {
        return liveness.adaptive();
    }

    @Override
    public void record(long gapNanos) {
        liveness.record(gapNanos);
    }

    @Override
    public @Nullable String peerMinPingInterval(long minNanos) {
        long own = liveness.pingAfter();
        if (own != Detector.NEVER && own < minNanos) {
            intervalRaised.raised(own, minNanos);
            liveness.raisePingInterval(minNanos);
        }
        return null;
    }

    @Override
    public Verdict judge(long now, long quietSince, boolean suspected, Pauses pauses) {
        long stalled = Math.max(0, pauses.stalledWithin(quietSince, now));
        long judgedSince = quietSince + stalled;
        int actions = liveness.evaluate(now, quietSince, stalled > 0 ? judgedSince : Long.MIN_VALUE, suspected);
        return new Verdict((actions & Liveness.PING) != 0, (actions & Liveness.SUSPECT) != 0,
                (actions & Liveness.DEAD) != 0, liveness.next(), now - judgedSince, stalled);
    }

    @Override
    public String explain(long silenceNanos) {
        return liveness.explain(silenceNanos);
    }

    @Override
    public long pings() {
        return liveness.pings();
    }

    @Override
    public void rttSample(long rttNanos) {
        rtt.sample(rttNanos);
    }

    @Override
    public RttStats rtt() {
        return rtt.stats();
    }
}
