package dev.vigil.internal.heartbeat;

import dev.vigil.RttStats;

import java.time.Duration;

/**
 * Smooths RTT samples as TCP does (RFC 6298, section 2): the first sample sets SRTT to R and RTTVAR to R/2; later
 * ones set RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R| and then SRTT = 7/8 SRTT + 1/8 R. Written by one thread (the
 * connection's reader); readers elsewhere get a consistent immutable snapshot. The snapshot is made when asked for,
 * not kept: an idle connection holds five numbers, not an {@link RttStats} and its four durations.
 */
final class RttEstimator {
    private long samples;
    private long last;
    private long min = Long.MAX_VALUE;
    private long srtt;
    private long rttvar;

    // Not a lock around anything that blocks: a few field writes, uncontended but for a rare stats() call.
    synchronized void sample(long rttNanos) {
        long r = Math.max(0, rttNanos);
        if (samples == 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        samples++;
        last = r;
        min = Math.min(min, r);
    }

    synchronized RttStats stats() {
        return samples == 0 ? RttStats.NONE : new RttStats(samples, Duration.ofNanos(last), Duration.ofNanos(min),
                Duration.ofNanos(srtt), Duration.ofNanos(rttvar));
    }
}
