package dev.vigil.internal.heartbeat;

import dev.vigil.internal.Durations;
import dev.vigil.HeartbeatPolicy;

import java.util.Arrays;
import java.util.Locale;

/**
 * The phi-accrual failure detector (Hayashibara et al., 2004). Gaps between signs of life go into a bounded window
 * (in microseconds, to keep an idle connection small); their mean and standard deviation model when the next sign of
 * life is due, and phi is {@code -log10} of the chance that a live peer is still silent after the current silence.
 *
 * <p>The normal CDF uses the logistic approximation that Akka uses, which can be inverted in closed form (a depressed
 * cubic), so the silence at which phi crosses a threshold is computed once per new sample instead of re-evaluating
 * phi on a tick.
 *
 * <p>Not thread-safe: {@link #record} and the queries are called under the connection's heartbeat lock.
 */
final class PhiAccrualDetector extends Detector {
    private static final double A = 0.070566;
    private static final double B = 1.5976;

    private final long interval;
    private final double threshold;
    private final double suspectThreshold;
    private final int windowSize;
    private final double minStd;
    private final double acceptablePause;
    private final long minTimeout;
    private final long maxTimeout;
    private final double jitter;

    private int[] gapsMicros = new int[8];
    private int count;
    private int next;
    private double sum;
    private double sumSquares;

    private long suspectAfter = -1;
    private long deadAfter = -1;

    PhiAccrualDetector(HeartbeatPolicy.PhiAccrual policy) {
        this.interval = policy.interval().toNanos();
        this.threshold = policy.threshold();
        this.suspectThreshold = policy.suspectThreshold();
        this.windowSize = policy.windowSize();
        this.minStd = policy.minStdDeviation().toNanos() / 1e3;
        this.acceptablePause = policy.acceptablePause().toNanos() / 1e3;
        this.minTimeout = policy.minTimeout().toNanos();
        this.maxTimeout = policy.maxTimeout().toNanos();
        this.jitter = policy.jitter();
    }

    @Override
    long bound() {
        return maxTimeout;
    }

    @Override
    double jitter() {
        return jitter;
    }

    @Override
    long pingAfter() {
        return interval;
    }

    @Override
    boolean adaptive() {
        return true;
    }

    @Override
    void record(long gapNanos) {
        long clamped = Math.max(gapNanos, interval);
        int micros = (int) Math.min(Integer.MAX_VALUE, clamped / 1_000);
        if (count == windowSize) {
            int old = gapsMicros[next];
            sum -= old;
            sumSquares -= (double) old * old;
        } else {
            if (count == gapsMicros.length) {
                gapsMicros = Arrays.copyOf(gapsMicros, Math.min(windowSize, count * 2));
            }
            count++;
        }
        gapsMicros[next] = micros;
        next = (next + 1) % windowSize;
        sum += micros;
        sumSquares += (double) micros * micros;
        suspectAfter = -1;
        deadAfter = -1;
    }

    /** Mean gap in microseconds; before two samples, the configured interval. */
    double mean() {
        return count < 2 ? interval / 1e3 : sum / count;
    }

    /** Standard deviation in microseconds, never below the configured minimum; a quarter interval before samples. */
    double std() {
        if (count < 2) {
            return Math.max(minStd, interval / 4e3);
        }
        double m = sum / count;
        double variance = Math.max(0, sumSquares / count - m * m);
        return Math.max(minStd, Math.sqrt(variance));
    }

    /** Phi for a silence. */
    double phi(long silenceNanos) {
        double t = silenceNanos / 1e3;
        double y = (t - (mean() + acceptablePause)) / std();
        double e = Math.exp(-y * (B + A * y * y));
        return t > mean() + acceptablePause ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
    }

    /** The silence, in nanoseconds, at which phi reaches {@code target}: the inverse of {@link #phi}. */
    long silenceAt(double target) {
        double p = Math.pow(10, -target);
        double l = Math.log(p / (1 - p));
        // Solve A*y^3 + B*y + l = 0, i.e. y^3 + (B/A) y + l/A = 0, by Cardano (one real root: B/A > 0).
        double pp = B / A;
        double q = l / A;
        double disc = Math.sqrt(q * q / 4 + pp * pp * pp / 27);
        double y = Math.cbrt(-q / 2 + disc) + Math.cbrt(-q / 2 - disc);
        double micros = mean() + acceptablePause + y * std();
        return (long) Math.max(0, micros * 1e3);
    }

    @Override
    long suspectAfter() {
        if (suspectAfter < 0) {
            suspectAfter = Math.max(interval, Math.min(silenceAt(suspectThreshold), deadAfter()));
        }
        return suspectAfter;
    }

    @Override
    long deadAfter() {
        if (deadAfter < 0) {
            deadAfter = Math.min(maxTimeout, Math.max(minTimeout, silenceAt(threshold)));
        }
        return deadAfter;
    }

    @Override
    String explain(long judgedNanos, long stalledNanos) {
        return String.format(Locale.ROOT, "%s: phi %.1f (threshold %.1f; mean gap %s, std %s, %d samples)",
                silence(judgedNanos, stalledNanos), Math.min(phi(judgedNanos), 99.9), threshold,
                Durations.format((long) (mean() * 1e3)), Durations.format((long) (std() * 1e3)), count);
    }
}
