package dev.vigil;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconnectPolicyTest {
    private static final Duration BASE = Duration.ofMillis(20);
    private static final Duration CAP = Duration.ofMillis(200);
    private final ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(BASE).maxDelay(CAP).build();

    /** Always draws the top of the range, so every delay is exactly the ceiling. */
    static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private static Duration ceiling(int attempt) {
        Duration doubled = attempt > 20 ? CAP : BASE.multipliedBy(1L << (attempt - 1));
        return doubled.compareTo(CAP) < 0 ? doubled : CAP;
    }

    @Test
    void defaultsAreAHundredMillisecondsDoublingToThirtySecondsForever() {
        ReconnectPolicy defaults = ReconnectPolicy.defaults();
        assertEquals(Duration.ofMillis(100), defaults.initialDelay());
        assertEquals(Duration.ofSeconds(30), defaults.maxDelay());
        assertEquals(ReconnectPolicy.UNLIMITED, defaults.maxAttempts());
        assertEquals(defaults, ReconnectPolicy.builder().build());
    }

    @Test
    void everyDelayLiesBetweenZeroAndTheDoublingCeilingCappedAtMaxDelay() {
        RandomGenerator random = new SplittableRandom(42);
        for (int attempt = 1; attempt <= 30; attempt++) {
            Duration ceiling = ceiling(attempt);
            for (int i = 0; i < 1000; i++) {
                Duration delay = policy.delayBefore(attempt, random);
                assertTrue(!delay.isNegative() && delay.compareTo(ceiling) <= 0,
                        "attempt " + attempt + ": " + delay + " outside [0, " + ceiling + "]");
            }
        }
    }

    @Test
    void theCeilingDoublesWithEachAttemptUntilItReachesTheCap() {
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 7; attempt++) {
            delays.add(policy.delayBefore(attempt, HIGHEST));
        }
        assertEquals(List.of(ms(20), ms(40), ms(80), ms(160), ms(200), ms(200), ms(200)), delays);
    }

    @Test
    void randomDelaysReachTheCapButNeverPassIt() {
        RandomGenerator random = new SplittableRandom(7);
        Duration longest = Duration.ZERO;
        for (int i = 0; i < 10_000; i++) {
            Duration delay = policy.delayBefore(12, random);
            assertTrue(delay.compareTo(CAP) <= 0, delay + " is past the cap");
            longest = delay.compareTo(longest) > 0 ? delay : longest;
        }
        assertTrue(longest.compareTo(CAP.multipliedBy(99).dividedBy(100)) >= 0, "longest " + longest);
    }

    @Test
    void jitterIsFullSpreadingDelaysFromZeroToTheCeiling() {
        // Full jitter, not "equal" jitter: short waits are as likely as long ones, and the mean is half the ceiling.
        RandomGenerator random = new SplittableRandom(3);
        long shortest = Long.MAX_VALUE;
        long sum = 0;
        int samples = 10_000;
        for (int i = 0; i < samples; i++) {
            long nanos = policy.delayBefore(3, random).toNanos();
            shortest = Math.min(shortest, nanos);
            sum += nanos;
        }
        double meanMillis = sum / (double) samples / 1e6;
        assertTrue(meanMillis > 38 && meanMillis < 42, "mean " + meanMillis + " ms, expected about 40 ms");
        assertTrue(shortest < ms(1).toNanos(), "shortest " + shortest + " ns");
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        RandomGenerator a = new SplittableRandom(11);
        RandomGenerator b = new SplittableRandom(11);
        for (int attempt = 1; attempt <= 10; attempt++) {
            assertEquals(policy.delayBefore(attempt, a), policy.delayBefore(attempt, b));
        }
    }

    @Test
    void hugeAttemptNumbersAndDelaysSaturateAtTheCapInsteadOfOverflowing() {
        assertEquals(CAP, policy.delayBefore(Integer.MAX_VALUE, HIGHEST));
        ReconnectPolicy vast = new ReconnectPolicy(Duration.ofDays(1), Duration.ofDays(365 * 1000L), 0);
        assertEquals(Duration.ofDays(1), vast.delayBefore(1, HIGHEST));
        Duration top = vast.delayBefore(1000, HIGHEST);
        assertTrue(top.compareTo(Duration.ofDays(365 * 250L)) > 0 && !top.isNegative(), top.toString());
    }

    @Test
    void aMaxDelayBelowTheInitialDelayIsRejectedWithBothValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReconnectPolicy.builder().maxDelay(Duration.ofMillis(10)).build());
        assertEquals("ReconnectPolicy: maxDelay: PT0.01S (expected: at least initialDelay PT0.1S)", e.getMessage());
    }

    @Test
    void everyBadValueIsReportedInOneException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPolicy(Duration.ZERO, null, -1));
        assertEquals("ReconnectPolicy: initialDelay: PT0S (expected: longer than zero); "
                + "maxDelay: null (expected: not null); maxAttempts: -1 (expected: zero (unlimited) or more)",
                e.getMessage());
    }

    @Test
    void attemptsAreCountedFromOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> policy.delayBefore(0, HIGHEST));
        assertEquals("attempt: 0 (expected: 1 or more)", e.getMessage());
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
