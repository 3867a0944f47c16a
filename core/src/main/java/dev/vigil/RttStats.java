package dev.vigil;

import java.time.Duration;

/**
 * Round-trip time to the peer, measured by PING and PONG: each PONG answers a PING that carries a nonce, and the time
 * between them is one sample. Smoothed as TCP does (RFC 6298: SRTT with gain 1/8, RTTVAR with gain 1/4), so a health
 * checker can see a peer slowing down long before any timeout.
 *
 * @param samples   how many samples were taken; when zero, every duration is zero
 * @param last      the latest sample
 * @param min       the smallest sample
 * @param smoothed  the smoothed RTT (SRTT)
 * @param variation the smoothed mean deviation (RTTVAR)
 */
public record RttStats(long samples, Duration last, Duration min, Duration smoothed, Duration variation) {
    /** No samples yet. */
    public static final RttStats NONE = new RttStats(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
}
