package dev.vigil.internal.heartbeat;

import dev.vigil.RttStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RttEstimatorTest {
    @Test
    void firstSampleSetsSmoothedRttAndHalfOfItAsVariation() {
        RttEstimator e = new RttEstimator();
        assertEquals(RttStats.NONE, e.stats());
        e.sample(8_000_000);
        RttStats s = e.stats();
        assertEquals(1, s.samples());
        assertEquals(Duration.ofMillis(8), s.smoothed());
        assertEquals(Duration.ofMillis(4), s.variation());
    }

    @Test
    void laterSamplesFollowRfc6298Gains() {
        RttEstimator e = new RttEstimator();
        e.sample(8_000_000);
        e.sample(16_000_000);
        RttStats s = e.stats();
        // RTTVAR = 3/4 * 4 + 1/4 * |8 - 16| = 5 ms; SRTT = 7/8 * 8 + 1/8 * 16 = 9 ms
        assertEquals(Duration.ofMillis(5), s.variation());
        assertEquals(Duration.ofMillis(9), s.smoothed());
        assertEquals(Duration.ofMillis(16), s.last());
        assertEquals(Duration.ofMillis(8), s.min());
    }
}
