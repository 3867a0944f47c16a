package dev.vigil;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The policies' validation and defaults, jitter first. */
class HeartbeatPolicyTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void everyPingingPolicyIsJitteredByTenPercentByDefault() {
        assertEquals(0.1, HeartbeatPolicy.fixed(SECOND, SECOND.multipliedBy(3)).jitter());
        assertEquals(0.1, HeartbeatPolicy.fixedBeats(SECOND, 3).jitter());
        assertEquals(0.1, new HeartbeatPolicy.Fixed(SECOND, SECOND.multipliedBy(3)).jitter());
        assertEquals(0.1, HeartbeatPolicy.phiAccrual(SECOND).build().jitter());
        assertEquals(0.0, HeartbeatPolicy.none().jitter());
    }

    @Test
    void jitterIsSetOnACopyAndTakesPartInEquality() {
        HeartbeatPolicy.Fixed policy = HeartbeatPolicy.fixed(SECOND, SECOND.multipliedBy(3));
        HeartbeatPolicy.Fixed none = policy.withJitter(0);
        assertEquals(0.0, none.jitter());
        assertEquals(policy.interval(), none.interval());
        assertEquals(policy.timeout(), none.timeout());
        assertEquals(0.1, policy.jitter(), "the original is unchanged");
        assertEquals(new HeartbeatPolicy.Fixed(SECOND, SECOND.multipliedBy(3), 0), none);
        assertEquals(0.25, HeartbeatPolicy.phiAccrual(SECOND).jitter(0.25).build().jitter());
        assertEquals(0.5, HeartbeatPolicy.phiAccrual(SECOND).build().withJitter(0.5).jitter());
    }

    @Test
    void jitterOutsideZeroToHalfIsRejectedWithTheValueAndTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeartbeatPolicy.fixed(SECOND, SECOND.multipliedBy(3)).withJitter(0.6));
        assertEquals("HeartbeatPolicy.fixed: jitter: 0.6 (expected: 0 to 0.5)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HeartbeatPolicy.fixed(SECOND, SECOND.multipliedBy(3)).withJitter(-0.01));
        assertThrows(IllegalArgumentException.class,
                () -> HeartbeatPolicy.fixed(SECOND, SECOND.multipliedBy(3)).withJitter(Double.NaN));
        IllegalArgumentException phi = assertThrows(IllegalArgumentException.class,
                () -> HeartbeatPolicy.phiAccrual(SECOND).jitter(1).build());
        assertEquals("HeartbeatPolicy.phiAccrual: jitter: 1.0 (expected: 0 to 0.5)", phi.getMessage());
    }

    @Test
    void everyBadValueIsNamedInOneMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeartbeatPolicy.Fixed(SECOND, SECOND.dividedBy(2), 2));
        assertEquals("HeartbeatPolicy.fixed: timeout: PT0.5S (expected: longer than interval PT1S); "
                + "jitter: 2.0 (expected: 0 to 0.5)", e.getMessage());
    }
}
