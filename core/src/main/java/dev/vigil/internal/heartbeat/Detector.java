package dev.vigil.internal.heartbeat;

import dev.vigil.internal.Durations;
import dev.vigil.HeartbeatPolicy;

/**
 * Turns a peer's silence into a verdict for one heartbeat policy. Pure: it is told the gaps between signs of life and
 * asked about a silence, both in nanoseconds; it never reads a clock. The fixed and none detectors hold no
 * per-connection state and are shared; a phi-accrual detector is one per connection.
 */
abstract class Detector {
    static final long NEVER = Long.MAX_VALUE;

    /** The silence after which a PING is sent; {@link #NEVER} for none. */
    abstract long pingAfter();

    /** Records the gap between two signs of life; called only for gaps of at least half the ping interval. */
    void record(long gapNanos) {
    }

    /** The silence at which the peer becomes suspect. */
    abstract long suspectAfter();

    /** The silence at which the peer is dead. */
    abstract long deadAfter();

    /**
     * The longest silence this policy ever tolerates, whatever it learns or is told: the fixed timeout, the
     * phi-accrual maximum timeout, {@link #NEVER} for none. What a peer announces never moves a verdict past it.
     */
    abstract long bound();

    /** The random spread of the PING interval, a fraction of it (see {@link HeartbeatPolicy#jitter()}). */
    double jitter() {
        return 0;
    }

    /**
     * Describes the verdict on a silence, for the close reason and logs.
     *
     * @param judgedNanos  the silence counted against the peer (our own stalls taken out)
     * @param stalledNanos the part of the real silence that fell in this JVM's measured stalls
     */
    abstract String explain(long judgedNanos, long stalledNanos);

    /** {@return "silent for 2.4s", or with a stall "silent for 2.4s, 350ms of it in this JVM's own stalls"} */
    static String silence(long judgedNanos, long stalledNanos) {
        String real = "silent for " + Durations.format(judgedNanos + stalledNanos);
        return stalledNanos <= 0 ? real
                : real + ", " + Durations.format(stalledNanos) + " of it in this JVM's own measured stalls";
    }

    /** Whether {@link #record} matters, so the reader can skip the bookkeeping otherwise. */
    boolean adaptive() {
        return false;
    }

    static Detector of(HeartbeatPolicy policy) {
        return switch (policy) {
            case HeartbeatPolicy.Fixed fixed -> new Fixed(fixed);
            case HeartbeatPolicy.PhiAccrual phi -> new PhiAccrualDetector(phi);
            case HeartbeatPolicy.None none -> NONE;
        };
    }

    /**
     * The latest silence at which a PING still leaves room for an answer within {@link #bound()}: halfway from the
     * PING interval to the bound (for a fixed policy, its suspect point). A peer's announced minimum PING interval
     * beyond it is refused.
     */
    long latestPingAfter() {
        long ping = pingAfter();
        long bound = bound();
        return ping == NEVER || bound == NEVER ? NEVER : ping + (bound - ping) / 2;
    }

    /**
     * A detector that PINGs after at least {@code minNanos} of silence and keeps every verdict within {@link #bound()}:
     * the suspect point moves to at least halfway from the new interval to the death point, and an adaptive death
     * point keeps the time it allowed for an answer as far as the bound lets it. The caller has checked
     * {@code minNanos} against {@link #latestPingAfter()}.
     */
    Detector withPingAfterAtLeast(long minNanos) {
        if (pingAfter() >= minNanos) {
            return this;
        }
        Detector base = this;
        return new Detector() {
            @Override
            long pingAfter() {
                return minNanos;
            }

            @Override
            void record(long gapNanos) {
                base.record(gapNanos);
            }

            @Override
            long suspectAfter() {
                long dead = deadAfter();
                return Math.min(dead, Math.max(base.suspectAfter(), minNanos + (dead - minNanos) / 2));
            }

            @Override
            long deadAfter() {
                long answer = base.deadAfter() - base.pingAfter();
                return Math.min(base.bound(), Math.max(base.deadAfter(), minNanos + answer));
            }

            @Override
            long bound() {
                return base.bound();
            }

            @Override
            long latestPingAfter() {
                return base.latestPingAfter(); // our own policy's, not the raised one's
            }

            @Override
            double jitter() {
                return base.jitter();
            }

            @Override
            String explain(long judgedNanos, long stalledNanos) {
                return base.explain(judgedNanos, stalledNanos);
            }

            @Override
            boolean adaptive() {
                return base.adaptive();
            }
        };
    }

    static final Detector NONE = new Detector() {
        @Override
        long pingAfter() {
            return NEVER;
        }

        @Override
        long suspectAfter() {
            return NEVER;
        }

        @Override
        long deadAfter() {
            return NEVER;
        }

        @Override
        long bound() {
            return NEVER;
        }

        @Override
        String explain(long judgedNanos, long stalledNanos) {
            return "no heartbeat policy";
        }
    };

    static final class Fixed extends Detector {
        private final long interval;
        private final long suspect;
        private final long timeout;
        private final double jitter;

        Fixed(HeartbeatPolicy.Fixed policy) {
            this.interval = policy.interval().toNanos();
            this.suspect = policy.suspectAfter().toNanos();
            this.timeout = policy.timeout().toNanos();
            this.jitter = policy.jitter();
        }

        @Override
        long bound() {
            return timeout;
        }

        @Override
        double jitter() {
            return jitter;
        }

        @Override
        long pingAfter() {
            return interval;
        }

        @Override
        long suspectAfter() {
            return suspect;
        }

        @Override
        long deadAfter() {
            return timeout;
        }

        @Override
        String explain(long judgedNanos, long stalledNanos) {
            return silence(judgedNanos, stalledNanos) + " (timeout " + Durations.format(timeout) + ")";
        }
    }
}
