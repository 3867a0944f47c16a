package dev.vigil.benchmarks.report;

import dev.vigil.benchmarks.report.Results.Group;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A Markdown table of one figure per row: a column per implementation (its median over the rounds, or its largest
 * for worst-case figures), then vigil's ratio to each other implementation (the median of the per-round ratios,
 * with their min–max).
 */
final class Table {
    static final String NONE = "—";
    /** Marks a ratio whose spread over the rounds is wider than its gap to 1.0. */
    static final String WIDE = "†";

    /** How a row sums up an implementation's rounds. */
    enum Over {
        /** The median: for rates, times and sizes. */
        MEDIAN,
        /** The largest: for worst cases. */
        MAX
    }

    /**
     * One row.
     *
     * @param label  the first cell
     * @param group  the runs
     * @param figure the figure of one run
     * @param ratios whether the ratio columns mean something for this figure
     * @param over   how an implementation's rounds are summed up
     */
    record Row(String label, Group group, ToDoubleFunction<Run> figure, boolean ratios, Over over) {
        Row(String label, Group group, ToDoubleFunction<Run> figure) {
            this(label, group, figure, true, Over.MEDIAN);
        }

        double value(String impl) {
            Spread s = group.figure(impl, figure);
            return over == Over.MAX ? s.max() : s.median();
        }
    }

    private Table() {
    }

    static void write(StringBuilder md, String first, List<Row> rows) {
        md.append("| ").append(first);
        ReportGenerator.IMPLS.forEach(i -> md.append(" | ").append(i));
        md.append(" | vigil ÷ netty | vigil ÷ socket |\n|---");
        md.append("|--:".repeat(ReportGenerator.IMPLS.size() + 2)).append("|\n");
        boolean missing = false;
        boolean wide = false;
        for (Row r : rows) {
            md.append("| ").append(r.label);
            for (String impl : ReportGenerator.IMPLS) {
                double v = r.value(impl);
                missing |= Double.isNaN(v);
                md.append(" | ").append(num(v));
            }
            for (String other : List.of("netty", "socket")) {
                Spread s = r.ratios ? r.group.ratio("vigil", other, r.figure) : Spread.NONE;
                wide |= s.widerThanGap();
                md.append(" | ").append(ratio(s));
            }
            md.append(" |\n");
        }
        md.append('\n');
        if (wide) {
            md.append(WIDE).append(" The rounds' ratios spread wider than the gap to 1.00×: on this row the run "
                    + "cannot tell the two apart.\n\n");
        }
        if (missing) {
            md.append(NONE).append(" marks a figure with no result: that run failed or did not run (JMH leaves "
                    + "failed runs out of its JSON; `bench.sh` keeps each benchmark's log next to its results in "
                    + "`benchmarks/target/jmh-<profile>/`).\n\n");
        }
    }

    /** {@return a ratio over the rounds: its median, and with more than one round its min–max and the mark} */
    static String ratio(Spread s) {
        if (s.isEmpty()) {
            return NONE;
        }
        if (s.rounds() == 1) {
            return ratio(s.median());
        }
        return ratio(s.median()) + " (" + bare(s.min()) + "–" + bare(s.max()) + ")"
                + (s.widerThanGap() ? " " + WIDE : "");
    }

    static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? NONE : bare(r) + "×";
    }

    /** Two decimals for the ratios that matter; fewer for the ratios of thousands (allocation next to none). */
    private static String bare(double r) {
        double a = Math.abs(r);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : "%.2f", r);
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return NONE;
        }
        double a = Math.abs(v);
        String f = a >= 1000 ? "%,.0f" : a >= 100 || v == Math.rint(v) ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, f, v);
    }
}
