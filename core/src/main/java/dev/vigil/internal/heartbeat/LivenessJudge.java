package dev.vigil.internal.heartbeat;

import dev.vigil.HeartbeatPolicy;
import dev.vigil.RttStats;
import dev.vigil.internal.conn.HeartbeatJudge;
import dev.vigil.internal.conn.Pauses;
import dev.vigil.internal.conn.Verdict;
import org.jetbrains.annotations.Nullable;

import java.util.function.DoubleSupplier;

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
     * @param random         uniform draws from {@code [0, 1)} for the PING interval's jitter
     * @param intervalRaised told when a peer's minimum raises this side's PING interval
     */
    public LivenessJudge(HeartbeatPolicy policy, DoubleSupplier random, IntervalRaised intervalRaised) {
        this(Detector.of(policy), random, intervalRaised);
    }

    private LivenessJudge(Detector detector, DoubleSupplier random, IntervalRaised intervalRaised) {
        this.liveness = new Liveness(detector, random);
        this.intervalRaised = intervalRaised;
    }

    /**
     * Makes the judges of one manager's connections. A detector that keeps no per-connection state (fixed, none) is
     * made once and shared by all of them; a phi-accrual detector, which learns each peer's gaps, is one per judge.
     */
    public static final class Maker {
        private final HeartbeatPolicy policy;
        private final DoubleSupplier random;
        private final IntervalRaised intervalRaised;
        private final @Nullable Detector shared;

        /** The arguments are as for {@link LivenessJudge#LivenessJudge}. */
        public Maker(HeartbeatPolicy policy, DoubleSupplier random, IntervalRaised intervalRaised) {
            this.policy = policy;
            this.random = random;
            this.intervalRaised = intervalRaised;
            this.shared = policy instanceof HeartbeatPolicy.PhiAccrual ? null : Detector.of(policy);
        }

        /** {@return a judge for one more connection} */
        public LivenessJudge judge() {
            Detector detector = shared;
            return new LivenessJudge(detector == null ? Detector.of(policy) : detector, random, intervalRaised);
        }
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
        String refusal = liveness.applyPeerMinimum(minNanos);
        if (refusal == null && own != Detector.NEVER && own < minNanos) {
            intervalRaised.raised(own, minNanos);
        }
        return refusal;
    }

    @Override
    public Verdict judge(long now, long quietSince, boolean suspected, Pauses pauses) {
        Liveness.Verdict v = liveness.evaluate(now, quietSince, pauses::stalledWithin, suspected);
        return new Verdict(v.action() == Liveness.Action.PING, v.action() == Liveness.Action.SUSPECT,
                v.action() == Liveness.Action.DEAD, v.next(), v.silence(), v.stalled());
    }

    @Override
    public String explain(Verdict verdict) {
        return liveness.explain(back(verdict));
    }

    @Override
    public Throwable timeoutCause(Verdict verdict, String message) {
        return liveness.timeout(back(verdict), message);
    }

    private static Liveness.Verdict back(Verdict v) {
        Liveness.Action action = v.dead() ? Liveness.Action.DEAD : v.suspect() ? Liveness.Action.SUSPECT
                : v.ping() ? Liveness.Action.PING : Liveness.Action.NONE;
        return new Liveness.Verdict(action, v.next(), v.silence(), v.stalled());
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
