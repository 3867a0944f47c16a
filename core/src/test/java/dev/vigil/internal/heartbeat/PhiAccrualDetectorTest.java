package dev.vigil.internal.heartbeat;

import dev.vigil.HeartbeatPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhiAccrualDetectorTest {
    private static final long MS = 1_000_000L;

    private static PhiAccrualDetector detector() {
        return new PhiAccrualDetector(HeartbeatPolicy.phiAccrual(Duration.ofMillis(100))
                .acceptablePause(Duration.ZERO).minStdDeviation(Duration.ofMillis(5)).build());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void phiRisesMonotonicallyAsSilenceGrows(long seed) {
        PhiAccrualDetector d = detector();
        Random random = new Random(seed);
        for (int i = 0; i < 100; i++) {
            d.record((100 + random.nextInt(30)) * MS);
        }
        double previous = -1;
        for (long silence = 0; silence <= 400; silence += 5) {
            double phi = d.phi(silence * MS);
            assertTrue(phi >= previous, "phi fell from " + previous + " to " + phi + " at " + silence + " ms");
            previous = phi;
        }
        assertTrue(d.phi(100 * MS) < 1, "a beat on time is not suspicious");
        assertTrue(d.phi(400 * MS) > 8, "a beat 3 intervals late is");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6, 7})
    void silenceAtInvertsPhi(long seed) {
        PhiAccrualDetector d = detector();
        Random random = new Random(seed);
        for (int i = 0; i < 50; i++) {
            d.record((100 + random.nextInt(50)) * MS);
        }
        for (double target : new double[]{1, 3, 8, 12}) {
            long silence = d.silenceAt(target);
            assertEquals(target, d.phi(silence), 0.01, "phi at the silence computed for " + target);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void theWindowIsBoundedSoOldGapsAreForgotten(long seed) {
        PhiAccrualDetector d = new PhiAccrualDetector(HeartbeatPolicy.phiAccrual(Duration.ofMillis(100))
                .windowSize(10).acceptablePause(Duration.ZERO).minStdDeviation(Duration.ofMillis(1)).build());
        Random random = new Random(seed);
        for (int i = 0; i < 100; i++) {
            d.record((500 + random.nextInt(5)) * MS); // a slow past
        }
        for (int i = 0; i < 10; i++) {
            d.record(100 * MS); // a regular present fills the whole window
        }
        assertEquals(100_000, d.mean(), 1e-6);
    }

    @org.junit.jupiter.api.Test
    void gapsShorterThanTheIntervalCountAsTheInterval() {
        PhiAccrualDetector d = detector();
        for (int i = 0; i < 20; i++) {
            d.record(MS); // a busy peer: data every millisecond
        }
        assertEquals(100_000, d.mean(), 1e-6);
    }

    @org.junit.jupiter.api.Test
    void deathIsClampedBetweenTheMinimumAndMaximumTimeouts() {
        PhiAccrualDetector d = new PhiAccrualDetector(HeartbeatPolicy.phiAccrual(Duration.ofMillis(100))
                .minTimeout(Duration.ofMillis(500)).maxTimeout(Duration.ofMillis(800))
                .acceptablePause(Duration.ZERO).minStdDeviation(Duration.ofMillis(1)).build());
        for (int i = 0; i < 20; i++) {
            d.record(100 * MS);
        }
        assertEquals(500 * MS, d.deadAfter(), "regular beats would convict at ~105 ms; the minimum holds");
        for (int i = 0; i < 200; i++) {
            d.record(5000 * MS);
        }
        assertEquals(800 * MS, d.deadAfter(), "very slow beats would convict late; the maximum holds");
    }
}
