package dev.vigil;

import dev.vigil.internal.Validation;

import java.time.Duration;

/**
 * When a connection sends a PING, and when its silent peer counts as {@linkplain ConnectionState#SUSPECT suspect}
 * and as dead. Immutable; one policy serves every connection of a manager.
 *
 * <p>Only what is received counts as a sign of life: any inbound bytes (a data frame, a PING, a PONG). A PING goes
 * out only after the peer has been silent for {@link #interval()}, so a busy connection sends none. Bytes this side
 * sends never count: a peer we stream to that never answers is still found dead.
 *
 * <p>Each side runs its own policy on what it hears, and answers every PING it receives, so the two sides need not
 * agree. The one setting that crosses the wire is the shortest PING interval a side accepts
 * ({@link ConnectionManager.Builder#minPeerPingInterval}): a side whose own interval is shorter than its peer's
 * minimum raises its interval to that minimum and logs it once, so mismatched settings never end in a
 * policy-violation close. A peer's minimum only ever slows this side's PINGs: it never lengthens this side's timeout,
 * and a minimum so long that no PING could be answered within it (longer than halfway from the interval to the
 * timeout) is refused with {@link CloseReason.Kind#POLICY_VIOLATION}.
 *
 * <p><b>Jitter.</b> Each silence draws its own PING interval at random between {@code interval * (1 - jitter)} and
 * {@code interval}, so a fleet that started together does not beat in lockstep. The spread only ever brings a PING
 * earlier, never later than the interval and never below the peer's announced minimum, so the time a peer has to
 * answer before the timeout is never shortened. Default {@value #DEFAULT_JITTER}; set it with {@code withJitter} or
 * the phi-accrual builder, {@code 0} for none. See {@code docs/heartbeats.md} for how to choose the numbers.
 */
public sealed interface HeartbeatPolicy permits HeartbeatPolicy.Fixed, HeartbeatPolicy.PhiAccrual, HeartbeatPolicy.None {

    /** The default {@linkplain #jitter() jitter}: PINGs after 90% to 100% of the interval. */
    double DEFAULT_JITTER = 0.1;

    /** The largest {@linkplain #jitter() jitter} accepted: PINGs after no less than half the interval. */
    double MAX_JITTER = 0.5;

    /**
     * {@return how long the peer may be silent before this side sends a PING; {@link Duration#ZERO} when it never
     * pings}
     */
    Duration interval();

    /**
     * {@return the random spread of the PING interval, as a fraction of it: each silence PINGs after between
     * {@code interval * (1 - jitter)} and {@code interval}; {@code 0} for none. Default {@value #DEFAULT_JITTER}}
     */
    double jitter();

    /**
     * {@return a fixed policy, as MQTT keep-alive and FIX HeartBtInt work: PING after {@code interval} of silence
     * (less the {@linkplain #jitter() jitter}, default {@value #DEFAULT_JITTER}), suspect halfway between the
     * interval and the timeout, dead at {@code timeout} of silence}
     *
     * @param interval silence before a PING; positive
     * @param timeout  silence after which the peer is dead; longer than {@code interval}
     * @throws IllegalArgumentException naming every value that is out of range
     */
    static Fixed fixed(Duration interval, Duration timeout) {
        return new Fixed(interval, timeout);
    }

    /**
     * {@return a fixed policy that declares the peer dead after {@code missedBeats} intervals of silence}
     *
     * @param interval    silence before a PING; positive
     * @param missedBeats how many intervals of silence make the peer dead; at least 2
     * @throws IllegalArgumentException naming every value that is out of range
     */
    static Fixed fixedBeats(Duration interval, int missedBeats) {
        Validation v = new Validation("HeartbeatPolicy.fixedBeats");
        v.positive("interval", interval);
        v.check(missedBeats >= 2, "missedBeats", missedBeats, "at least 2");
        v.throwIfAny();
        return new Fixed(interval, interval.multipliedBy(missedBeats));
    }

    /**
     * {@return a builder for an adaptive phi-accrual policy pinging at {@code interval}}
     *
     * @param interval silence before a PING; positive
     */
    static PhiAccrual.Builder phiAccrual(Duration interval) {
        return new PhiAccrual.Builder(interval);
    }

    /** {@return a policy that never pings and never declares a peer dead; PINGs from the peer are still answered} */
    static None none() {
        return None.INSTANCE;
    }

    /**
     * A fixed interval and timeout.
     *
     * @param interval silence before a PING (the longest; see {@code jitter})
     * @param timeout  silence after which the peer is dead
     * @param jitter   the random spread of the PING interval, a fraction from 0 to {@value #MAX_JITTER}: each
     *                 silence PINGs after between {@code interval * (1 - jitter)} and {@code interval}
     */
    record Fixed(Duration interval, Duration timeout, double jitter) implements HeartbeatPolicy {
        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException naming every value that is out of range
         */
        public Fixed {
            Validation v = new Validation("HeartbeatPolicy.fixed");
            v.positive("interval", interval);
            v.positive("timeout", timeout);
            if (interval != null && timeout != null && interval.isPositive()) {
                v.check(timeout.compareTo(interval) > 0, "timeout", timeout, "longer than interval " + interval);
            }
            checkJitter(v, jitter);
            v.throwIfAny();
        }

        /**
         * A fixed policy with the default jitter, {@value #DEFAULT_JITTER}.
         *
         * @param interval silence before a PING
         * @param timeout  silence after which the peer is dead
         * @throws IllegalArgumentException naming every value that is out of range
         */
        public Fixed(Duration interval, Duration timeout) {
            this(interval, timeout, DEFAULT_JITTER);
        }

        /** {@return the silence after which the peer becomes suspect: halfway between interval and timeout} */
        public Duration suspectAfter() {
            return interval.plus(timeout.minus(interval).dividedBy(2));
        }

        /**
         * {@return this policy with another jitter}
         *
         * @param jitter a fraction from 0 (PING after exactly the interval) to {@value #MAX_JITTER}
         * @throws IllegalArgumentException if it is out of range
         */
        public Fixed withJitter(double jitter) {
            return new Fixed(interval, timeout, jitter);
        }
    }

    /**
     * An adaptive policy: a phi-accrual failure detector (Hayashibara et al., 2004, as Akka and Cassandra use it).
     * It keeps the last {@code windowSize} gaps between signs of life (a gap shorter than the interval is recorded as
     * the interval: a busy peer is not expected to beat faster than we ask), models them as a normal distribution,
     * and turns the current silence into phi, the negative decimal logarithm of the chance that a live peer would be
     * this late. Phi 1 means a 10% chance of a false alarm, 2 means 1%, 8 one in a hundred million.
     *
     * @param interval          silence before a PING
     * @param threshold         phi at which the peer is dead
     * @param suspectThreshold  phi at which the peer is suspect; below {@code threshold}
     * @param windowSize        how many gaps are kept
     * @param minStdDeviation   the smallest standard deviation assumed, so that very regular beats do not make the
     *                          detector hair-triggered
     * @param acceptablePause   extra silence tolerated on top of the mean gap (a peer's GC pause, say)
     * @param minTimeout        silence below which the peer is never declared dead, whatever phi says
     * @param maxTimeout        silence at which the peer is dead, whatever phi says
     * @param jitter            the random spread of the PING interval, a fraction from 0 to {@value #MAX_JITTER}
     */
    record PhiAccrual(Duration interval, double threshold, double suspectThreshold, int windowSize,
                      Duration minStdDeviation, Duration acceptablePause, Duration minTimeout, Duration maxTimeout,
                      double jitter)
            implements HeartbeatPolicy {

        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException naming every value that is out of range
         */
        public PhiAccrual {
            Validation v = new Validation("HeartbeatPolicy.phiAccrual");
            v.positive("interval", interval);
            v.check(threshold > 0 && Double.isFinite(threshold), "threshold", threshold, "a positive number");
            v.check(suspectThreshold > 0 && suspectThreshold < threshold, "suspectThreshold", suspectThreshold,
                    "positive and below threshold " + threshold);
            v.check(windowSize >= 2 && windowSize <= 100_000, "windowSize", windowSize, "2 to 100000");
            v.positive("minStdDeviation", minStdDeviation);
            v.notNegative("acceptablePause", acceptablePause);
            v.positive("minTimeout", minTimeout);
            v.positive("maxTimeout", maxTimeout);
            if (interval != null && minTimeout != null && interval.isPositive()) {
                v.check(minTimeout.compareTo(interval) > 0, "minTimeout", minTimeout,
                        "longer than interval " + interval);
            }
            if (minTimeout != null && maxTimeout != null) {
                v.check(maxTimeout.compareTo(minTimeout) >= 0, "maxTimeout", maxTimeout,
                        "at least minTimeout " + minTimeout);
            }
            checkJitter(v, jitter);
            v.throwIfAny();
        }

        /**
         * A phi-accrual policy with the default jitter, {@value #DEFAULT_JITTER}.
         *
         * @param interval         silence before a PING
         * @param threshold        phi at which the peer is dead
         * @param suspectThreshold phi at which the peer is suspect; below {@code threshold}
         * @param windowSize       how many gaps are kept
         * @param minStdDeviation  the smallest standard deviation assumed
         * @param acceptablePause  extra silence tolerated on top of the mean gap
         * @param minTimeout       silence below which the peer is never declared dead
         * @param maxTimeout       silence at which the peer is dead, whatever phi says
         * @throws IllegalArgumentException naming every value that is out of range
         */
        public PhiAccrual(Duration interval, double threshold, double suspectThreshold, int windowSize,
                          Duration minStdDeviation, Duration acceptablePause, Duration minTimeout,
                          Duration maxTimeout) {
            this(interval, threshold, suspectThreshold, windowSize, minStdDeviation, acceptablePause, minTimeout,
                    maxTimeout, DEFAULT_JITTER);
        }

        /**
         * {@return this policy with another jitter}
         *
         * @param jitter a fraction from 0 (PING after exactly the interval) to {@value #MAX_JITTER}
         * @throws IllegalArgumentException if it is out of range
         */
        public PhiAccrual withJitter(double jitter) {
            return new PhiAccrual(interval, threshold, suspectThreshold, windowSize, minStdDeviation,
                    acceptablePause, minTimeout, maxTimeout, jitter);
        }

        /** Builds a {@link PhiAccrual} policy; every option has a default derived from the interval. */
        public static final class Builder {
            private final Duration interval;
            private double threshold = 8.0;
            private double suspectThreshold = 3.0;
            private int windowSize = 200;
            private Duration minStdDeviation;
            private Duration acceptablePause;
            private Duration minTimeout;
            private Duration maxTimeout;
            private double jitter = DEFAULT_JITTER;

            Builder(Duration interval) {
                Validation v = new Validation("HeartbeatPolicy.phiAccrual");
                v.positive("interval", interval);
                v.throwIfAny();
                this.interval = interval;
                this.minStdDeviation = interval.dividedBy(10);
                this.acceptablePause = interval;
                this.minTimeout = interval.multipliedBy(2);
                this.maxTimeout = interval.multipliedBy(10);
            }

            /**
             * Sets the phi at which the peer is dead. Default 8.0.
             *
             * @param threshold a positive number
             * @return this builder
             */
            public Builder threshold(double threshold) {
                this.threshold = threshold;
                return this;
            }

            /**
             * Sets the phi at which the peer is suspect. Default 3.0.
             *
             * @param suspectThreshold a positive number below the threshold
             * @return this builder
             */
            public Builder suspectThreshold(double suspectThreshold) {
                this.suspectThreshold = suspectThreshold;
                return this;
            }

            /**
             * Sets how many gaps between signs of life are kept. Default 200.
             *
             * @param windowSize 2 to 100000
             * @return this builder
             */
            public Builder windowSize(int windowSize) {
                this.windowSize = windowSize;
                return this;
            }

            /**
             * Sets the smallest standard deviation assumed. Default: a tenth of the interval.
             *
             * @param minStdDeviation positive
             * @return this builder
             */
            public Builder minStdDeviation(Duration minStdDeviation) {
                this.minStdDeviation = minStdDeviation;
                return this;
            }

            /**
             * Sets the extra silence tolerated on top of the mean gap. Default: one interval.
             *
             * @param acceptablePause zero or more
             * @return this builder
             */
            public Builder acceptablePause(Duration acceptablePause) {
                this.acceptablePause = acceptablePause;
                return this;
            }

            /**
             * Sets the silence below which the peer is never declared dead. Default: two intervals.
             *
             * @param minTimeout longer than the interval
             * @return this builder
             */
            public Builder minTimeout(Duration minTimeout) {
                this.minTimeout = minTimeout;
                return this;
            }

            /**
             * Sets the silence at which the peer is dead whatever phi says. Default: ten intervals.
             *
             * @param maxTimeout at least the minimum timeout
             * @return this builder
             */
            public Builder maxTimeout(Duration maxTimeout) {
                this.maxTimeout = maxTimeout;
                return this;
            }

            /**
             * Sets the random spread of the PING interval: each silence PINGs after between
             * {@code interval * (1 - jitter)} and {@code interval}. Default {@value HeartbeatPolicy#DEFAULT_JITTER}.
             *
             * @param jitter a fraction from 0 (none) to {@value HeartbeatPolicy#MAX_JITTER}
             * @return this builder
             */
            public Builder jitter(double jitter) {
                this.jitter = jitter;
                return this;
            }

            /**
             * {@return the policy}
             *
             * @throws IllegalArgumentException naming every value that is out of range
             */
            public PhiAccrual build() {
                return new PhiAccrual(interval, threshold, suspectThreshold, windowSize, minStdDeviation,
                        acceptablePause, minTimeout, maxTimeout, jitter);
            }
        }
    }

    /** Never pings, never times out. */
    final class None implements HeartbeatPolicy {
        static final None INSTANCE = new None();

        private None() {
        }

        @Override
        public Duration interval() {
            return Duration.ZERO;
        }

        /** {@return 0: this policy never pings} */
        @Override
        public double jitter() {
            return 0;
        }

        @Override
        public String toString() {
            return "HeartbeatPolicy.none()";
        }
    }

    private static void checkJitter(Validation v, double jitter) {
        v.check(jitter >= 0 && jitter <= MAX_JITTER, "jitter", jitter, "0 to " + MAX_JITTER);
    }
}
