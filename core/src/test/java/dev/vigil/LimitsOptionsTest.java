package dev.vigil;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link Limits} options type: its defaults as documented, and every bad value reported at once. */
class LimitsOptionsTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        Limits d = Limits.defaults();
        assertEquals(Limits.Rate.OFF, d.messageRate());
        assertEquals(Limits.Rate.OFF, d.byteRate());
        assertEquals(Limits.RateAction.THROTTLE, d.rateAction());
        assertEquals(Limits.Rate.of(1_000, 1_000), d.controlFrameRate());
        assertEquals(Duration.ofSeconds(10), d.frameDeadline());
        assertEquals(256, d.minFrameDataRate());
        assertEquals(Duration.ofSeconds(30), d.writeDeadline());
        assertEquals(Math.max(65536, Runtime.getRuntime().maxMemory() / 4), d.partialFrameBudget());
        assertEquals(d, Limits.builder().build());
    }

    @Test
    void everySettingIsKept() {
        Limits l = Limits.builder().messageRate(Limits.Rate.perSecond(50)).byteRate(Limits.Rate.of(1_000, 2_000))
                .rateAction(Limits.RateAction.CLOSE).controlFrameRate(Limits.Rate.OFF)
                .frameDeadline(Duration.ZERO).minFrameDataRate(0).writeDeadline(Duration.ofMillis(1500))
                .partialFrameBudget(1 << 20).build();
        assertEquals(new Limits.Rate(50, 50), l.messageRate());
        assertEquals(2_000, l.byteRate().burst());
        assertEquals(Limits.RateAction.CLOSE, l.rateAction());
        assertTrue(l.controlFrameRate().isOff());
        assertEquals(Duration.ZERO, l.frameDeadline());
        assertEquals(0, l.minFrameDataRate());
        assertEquals(Duration.ofMillis(1500), l.writeDeadline());
        assertEquals(1 << 20, l.partialFrameBudget());
        assertNotEquals(Limits.defaults(), l);
        assertEquals("Limits[messageRate=50/s (burst 50), byteRate=1000/s (burst 2000), rateAction=CLOSE, "
                + "controlFrameRate=off, frameDeadline=PT0S, minFrameDataRate=0B/s, writeDeadline=PT1.5S, "
                + "partialFrameBudget=1048576B]", l.toString());
    }

    @Test
    void everyBadValueIsReportedInOneException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Limits.builder()
                .frameDeadline(Duration.ofSeconds(-1)).minFrameDataRate(-5).writeDeadline(Duration.ofMillis(-1))
                .partialFrameBudget(1_000).rateAction(null).build());
        assertEquals("Limits: rateAction: null (expected: not null); frameDeadline: PT-1S (expected: zero or longer); "
                + "minFrameDataRate: -5 (expected: zero or more bytes per second); writeDeadline: PT-0.001S "
                + "(expected: zero or longer); partialFrameBudget: 1000 (expected: at least 65536 bytes)",
                e.getMessage());
    }

    @Test
    void aRateIsOffOrHasBothARateAndABurst() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Limits.Rate.of(0, 10));
        assertEquals("Limits.Rate: perSecond: 0 (expected: 1 to 1000000000000, or 0 with burst 0 for no limit)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Limits.Rate.of(-1, -1));
        assertTrue(e.getMessage().contains("perSecond: -1") && e.getMessage().contains("burst: -1"), e.getMessage());
        assertTrue(new Limits.Rate(0, 0).isOff());
    }
}
