package dev.vigil.benchmarks.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One figure over the rounds of a run: the median of the rounds' values, the smallest and the largest, and how many
 * rounds gave a value. A ratio's spread is the spread of the per-round ratios, each taken between figures of the
 * same round, so that load that hit one round hits both sides of its ratio.
 *
 * @param median the median (the mean of the middle two for an even count); NaN if no round gave a value
 * @param min    the smallest value
 * @param max    the largest value
 * @param rounds how many rounds gave a value
 */
record Spread(double median, double min, double max, int rounds) {
    /** No value at all. */
    static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    /**
     * {@return the spread of some values; NaN values are left out}
     *
     * @param values the rounds' values
     */
    static Spread of(Collection<Double> values) {
        List<Double> v = new ArrayList<>();
        for (Double d : values) {
            if (d != null && !d.isNaN() && !d.isInfinite()) {
                v.add(d);
            }
        }
        if (v.isEmpty()) {
            return NONE;
        }
        v.sort(null);
        int n = v.size();
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        return new Spread(median, v.get(0), v.get(n - 1), n);
    }

    /** {@return whether no round gave a value} */
    boolean isEmpty() {
        return rounds == 0;
    }

    /**
     * {@return for a ratio: whether the rounds disagree by more than the ratio's distance from 1.0, so that the
     * run cannot tell the two sides apart}
     */
    boolean widerThanGap() {
        return rounds > 1 && max - min > Math.abs(median - 1);
    }

    /**
     * {@return whether some rounds fall on each side of a threshold}
     *
     * @param threshold the threshold
     */
    boolean straddles(double threshold) {
        return rounds > 1 && min < threshold && max > threshold;
    }
}
