package dev.vigil.internal.guard;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void aFullBucketCoversItsBurstAndThenOwesTheTimeTheNextTokenTakes() {
        TokenBucket b = new TokenBucket(100, 10, clock.now());
        for (int i = 0; i < 10; i++) {
            assertEquals(0, b.take(1, clock.now()), "token " + i);
        }
        assertEquals(10_000_000L, b.take(1, clock.now()), "one token at 100/s is 10 ms");
        assertEquals(20_000_000L, b.take(1, clock.now()), "the debt adds up");
    }

    @Test
    void itRefillsAtItsRateButNeverAboveItsBurst() {
        TokenBucket b = new TokenBucket(100, 10, clock.now());
        b.take(10, clock.now());
        clock.advanceMillis(50);
        assertEquals(5.0, b.level(clock.now()), 1e-9);
        clock.advance(Duration.ofHours(5));
        assertEquals(10.0, b.level(clock.now()), 1e-9);
        assertEquals(0, b.take(10, clock.now()));
        assertTrue(b.take(1, clock.now()) > 0);
    }

    @Test
    void aCostAboveTheBurstIsAllowedAndCostsALongerPause() {
        TokenBucket b = new TokenBucket(1_000, 1_000, clock.now());
        assertEquals(4_000_000_000L, b.take(5_000, clock.now()), "4,000 tokens of debt at 1,000/s");
    }

    @Test
    void itRemembersWhatWasTakenSinceItWasLastFull() {
        TokenBucket b = new TokenBucket(10, 10, clock.now());
        long start = clock.now();
        for (int i = 0; i < 25; i++) {
            b.take(1, clock.advanceMillis(10));
        }
        assertEquals(25, b.takenSinceFull());
        assertEquals(start + 10_000_000L, b.busySince());
        assertTrue(b.describe("messages", clock.now()).startsWith("25 messages in 240ms, over the limit of 10 per second"),
                b.describe("messages", clock.now()));
        clock.advance(Duration.ofSeconds(10));
        b.level(clock.now());
        assertEquals(0, b.takenSinceFull(), "full again: the count starts over");
    }

    @Test
    void aRateOrBurstBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
    }
}
