package dev.vigil;

import dev.vigil.internal.Validation;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * How a {@link ReconnectingClient} spaces its attempts: exponential backoff with full jitter, as AWS recommends for
 * a fleet of clients that lose their server at the same moment. Before attempt {@code n} of a round the client waits
 * a random time between zero and {@code min(maxDelay, initialDelay × 2^(n-1))}, so the ceiling doubles with every
 * failure until it reaches {@code maxDelay}, and clients spread out instead of retrying in lockstep. The very first
 * attempt of a new client goes at once; the first attempt after a connection ends waits {@code delayBefore(1)}, at
 * most {@code initialDelay}. The count of attempts starts again at 1 after every successful connection.
 *
 * <p>Immutable. Build one with {@link #builder()}, or take {@link #defaults()}.
 *
 * @param initialDelay the ceiling of the first wait; default 100 ms
 * @param maxDelay     the largest ceiling, however many attempts have failed; default 30 s
 * @param maxAttempts  how many attempts in a row may fail before the client gives up; default {@link #UNLIMITED}
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts) {

    /** The value of {@link #maxAttempts} that means the client never gives up. */
    public static final int UNLIMITED = 0;

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming every value that is out of range
     */
    public ReconnectPolicy {
        Validation v = new Validation("ReconnectPolicy");
        v.positive("initialDelay", initialDelay);
        v.positive("maxDelay", maxDelay);
        if (initialDelay != null && maxDelay != null && initialDelay.isPositive()) {
            v.check(maxDelay.compareTo(initialDelay) >= 0, "maxDelay", maxDelay, "at least initialDelay " + initialDelay);
        }
        v.check(maxAttempts >= 0, "maxAttempts", maxAttempts, "zero (unlimited) or more");
        v.throwIfAny();
    }

    /** {@return the default policy: 100 ms initial delay, 30 s cap, never gives up} */
    public static ReconnectPolicy defaults() {
        return builder().build();
    }

    /** {@return a builder that starts from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return how long to wait before an attempt: a random duration from zero to
     * {@code min(maxDelay, initialDelay × 2^(attempt-1))}, both ends included}
     * A pure function of its arguments: with a seeded generator it gives the same answers every time.
     *
     * @param attempt the attempt about to be made, counted from 1 within a round
     * @param random  where the jitter comes from
     * @throws IllegalArgumentException if {@code attempt} is below 1
     */
    public Duration delayBefore(int attempt, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: 1 or more)");
        }
        long ceiling = ceilingNanos(attempt);
        long bound = ceiling == Long.MAX_VALUE ? ceiling : ceiling + 1;
        return Duration.ofNanos(random.nextLong(bound));
    }

    /** The doubling ceiling in nanoseconds; saturates instead of overflowing. */
    private long ceilingNanos(int attempt) {
        long initial = TimeUnit.NANOSECONDS.convert(initialDelay);
        long max = TimeUnit.NANOSECONDS.convert(maxDelay);
        int doublings = attempt - 1;
        if (doublings >= Long.numberOfLeadingZeros(initial)) {
            return max; // the doubled value would not fit in a long, so it is past any cap
        }
        return Math.min(max, initial << doublings);
    }

    /** Builds a {@link ReconnectPolicy}. Not thread-safe; {@link #build()} reports every bad value at once. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(30);
        private int maxAttempts = UNLIMITED;

        private Builder() {
        }

        /**
         * Sets the ceiling of the first wait. Default 100 ms.
         *
         * @param initialDelay positive
         * @return this builder
         */
        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
            return this;
        }

        /**
         * Sets the largest ceiling of a wait. Default 30 s.
         *
         * @param maxDelay at least the initial delay
         * @return this builder
         */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
            return this;
        }

        /**
         * Sets how many attempts in a row may fail before the client gives up. Default {@link #UNLIMITED}.
         *
         * @param maxAttempts 1 or more, or {@link #UNLIMITED} to try forever
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * {@return the policy}
         *
         * @throws IllegalArgumentException naming every value that is out of range
         */
        public ReconnectPolicy build() {
            return new ReconnectPolicy(initialDelay, maxDelay, maxAttempts);
        }
    }
}
