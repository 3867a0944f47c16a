package dev.vigil.internal;

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

    /** Describes the verdict on a silence, for the close reason and logs. */
    abstract String explain(long silenceNanos);

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

    /** A detector that raises the PING interval to at least {@code minNanos} and keeps everything else. */
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
                return Math.max(base.suspectAfter(), minNanos + (base.deadAfter() - base.pingAfter()) / 2);
            }

            @Override
            long deadAfter() {
                // Keep the time allowed for an answer: a raised interval must not make the peer look late.
                long answer = base.deadAfter() == NEVER ? NEVER : base.deadAfter() - base.pingAfter();
                return answer == NEVER ? NEVER : Math.max(base.deadAfter(), minNanos + answer);
            }

            @Override
            String explain(long silenceNanos) {
                return base.explain(silenceNanos);
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
        String explain(long silenceNanos) {
            return "no heartbeat policy";
        }
    };

    static final class Fixed extends Detector {
        private final long interval;
        private final long suspect;
        private final long timeout;

        Fixed(HeartbeatPolicy.Fixed policy) {
            this.interval = policy.interval().toNanos();
            this.suspect = policy.suspectAfter().toNanos();
            this.timeout = policy.timeout().toNanos();
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
        String explain(long silenceNanos) {
            return "silent for " + Durations.format(silenceNanos) + " (timeout " + Durations.format(timeout) + ")";
        }
    }
}
