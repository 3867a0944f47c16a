package dev.vigil.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpreadTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        Spread s = Spread.of(List.of(3.0, 1.0, 2.0));
        assertEquals(new Spread(2.0, 1.0, 3.0, 3), s);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Spread.of(List.of(4.0, 1.0, 2.0, 3.0)).median());
    }

    @Test
    void roundsWithNoValueAreLeftOut() {
        Spread s = Spread.of(Arrays.asList(Double.NaN, 2.0, null, Double.POSITIVE_INFINITY));
        assertEquals(new Spread(2.0, 2.0, 2.0, 1), s);
        assertTrue(Spread.of(List.of(Double.NaN)).isEmpty());
    }

    @Test
    void aRatioIsUndecidedWhenItsRoundsSpreadWiderThanItsGapToOne() {
        // 0.55 is 0.45 from 1.0; the rounds span 0.40: decided
        assertFalse(Spread.of(List.of(0.5, 0.55, 0.9)).widerThanGap());
        // 0.95 is 0.05 from 1.0; the rounds span 0.20: undecided
        assertTrue(Spread.of(List.of(0.85, 0.95, 1.05)).widerThanGap());
        // one round has no spread to speak of
        assertFalse(Spread.of(List.of(1.0)).widerThanGap());
    }

    @Test
    void straddlesWhenRoundsFallOnBothSidesOfAThreshold() {
        assertTrue(Spread.of(List.of(0.8, 0.9, 1.1)).straddles(1.0));
        assertFalse(Spread.of(List.of(1.1, 1.2, 1.3)).straddles(1.0));
        assertFalse(Spread.of(List.of(0.9)).straddles(1.0));
    }
}
