package dev.vigil.benchmarks.report;

import dev.vigil.benchmarks.report.Results.Group;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static dev.vigil.benchmarks.report.ReportGenerator.DETECTION;
import static dev.vigil.benchmarks.report.ReportGenerator.IDLE;
import static dev.vigil.benchmarks.report.ReportGenerator.LATENCY;
import static dev.vigil.benchmarks.report.ReportGenerator.THROUGHPUT;
import static dev.vigil.benchmarks.report.Table.num;

/**
 * The targets of issue 14, each held against this run's figures: ratios as the median of the per-round ratios (64-byte
 * frames), with the min–max of the rounds next to them. A target whose rounds fall on both sides of its threshold is
 * met or missed by the median, and says so.
 */
final class Targets {
    /** Lateness within which the heartbeats of the 19,000 connections count as on time: a tenth of the interval. */
    static final double ON_TIME_MILLIS = 100;
    /** Lateness at which a connection of the idle benchmark (1 s interval, 3 s timeout) would be declared dead. */
    static final double DEAD_MILLIS = 2000;

    /**
     * One target.
     *
     * @param what     what is measured
     * @param measured the figure
     * @param goal     the target, and the aim beyond it
     * @param met      {@code yes}, {@code **no**}, or {@link Table#NONE} when not measured
     */
    record Line(String what, String measured, String goal, String met) {
    }

    private final Results results;
    private final List<Line> lines = new ArrayList<>();

    private Targets(Results results) {
        this.results = results;
    }

    static List<Line> of(Results results) {
        Targets t = new Targets(results);
        t.throughput();
        t.latency();
        t.allocation();
        t.idle();
        t.detection();
        return t.lines;
    }

    private void throughput() {
        for (String conns : List.of("16", "256", "1024")) {
            ratio("Throughput, window 16, " + conns + " conn: vigil ÷ netty",
                    results.group(THROUGHPUT, Map.of("payload", "64", "window", "16", "connections", conns)),
                    ReportGenerator::messages, 1.0, true, "≥ 1.0× (aim 1.3×)");
        }
        List<Group> window1 = results.groups(THROUGHPUT, "connections").stream()
                .filter(g -> g.params().get("payload").equals("64") && g.params().get("window").equals("1"))
                .toList();
        if (window1.isEmpty()) {
            missing("Throughput, window 1, 1 to 1,024 conn: vigil ÷ netty", "≥ 0.85× (aim 1.1×)");
        }
        for (Group g : window1) {
            ratio("Throughput, window 1, " + g.params().get("connections") + " conn: vigil ÷ netty", g,
                    ReportGenerator::messages, 0.85, true, "≥ 0.85× (aim 1.1×)");
        }
    }

    private void latency() {
        Group g = results.group(LATENCY, Map.of("payload", "64"));
        ratio("Latency p50, one connection: vigil ÷ netty", g, r -> ReportGenerator.micros(r, r.percentile("50.0")),
                1.15, false, "≤ 1.15× (aim 1.0×)");
        ratio("Latency p99, one connection: vigil ÷ netty", g, r -> ReportGenerator.micros(r, r.percentile("99.0")),
                1.0, false, "≤ 1.0×");
    }

    /** Bytes allocated per echoed message, both ends: at most the two decoded messages and 16 bytes. */
    private void allocation() {
        String what = "Bytes allocated per echoed message, both ends, highest of the 64 B rows";
        double budget = 2 * decodedBytes(64) + 16;
        String goal = String.format(Locale.ROOT, "≤ %s B: two decoded messages (a `byte[64]` is %s B) + 16 B",
                num(budget), num(decodedBytes(64)));
        double worst = Double.NaN;
        Spread worstSpread = Spread.NONE;
        String where = "";
        for (Group g : results.groups(THROUGHPUT, "window", "connections")) {
            if (!g.params().get("payload").equals("64")) {
                continue;
            }
            Spread s = g.figure("vigil", ReportGenerator::allocPerMessage);
            if (!s.isEmpty() && (Double.isNaN(worst) || s.median() > worst)) {
                worst = s.median();
                worstSpread = s;
                where = "window " + g.params().get("window") + ", " + g.params().get("connections") + " conn";
            }
        }
        if (Double.isNaN(worst)) {
            missing(what, goal);
            return;
        }
        lines.add(new Line(what + " (" + where + ")", num(worst) + " B" + range(worstSpread, ""), goal,
                verdict(worstSpread, budget, false)));
    }

    /** {@return the size of a {@code byte[]} of {@code length} on a 64-bit JVM: a 16-byte header, 8-byte aligned} */
    static double decodedBytes(int length) {
        return (16 + length + 7) / 8 * 8;
    }

    private void idle() {
        Group g = results.group(IDLE, Map.of("idleConnections", "9000"));
        ratio("Idle heartbeat CPU, 9,000 conn, server process: vigil ÷ netty", g, ReportGenerator::serverCpuPercent,
                1.0, false, "≤ 1.0× (aim 0.5×)");
        absolute("Idle heartbeat CPU, 9,000 conn, server process", g, ReportGenerator::serverCpuPercent,
                " % of a core", 10, "< 10 % of a core");
        Spread netty = g == null ? Spread.NONE : g.figure("netty", ReportGenerator::heapPerConnection);
        absolute("Heap per idle connection, 9,000 conn", g, ReportGenerator::heapPerConnection, " B", 4096,
                "≤ 4 KiB (aim: Netty's" + (netty.isEmpty() ? "" : ", " + num(netty.median()) + " B") + ")");

        String what = "19,000 idle connections held, heartbeats on time (lateness as the clients saw it)";
        String goal = String.format(Locale.ROOT, "all held; lateness p99 ≤ %s ms, largest < %s ms (dead at the "
                + "timeout less the interval)", num(ON_TIME_MILLIS), num(DEAD_MILLIS));
        Group big = results.group(IDLE, Map.of("idleConnections", "19000"));
        Spread p99 = big == null ? Spread.NONE : big.figure("vigil", ReportGenerator::latenessP99Millis);
        Spread max = big == null ? Spread.NONE : big.figure("vigil", ReportGenerator::latenessMaxMillis);
        if (p99.isEmpty()) {
            missing(what, goal);
            return;
        }
        boolean met = p99.median() <= ON_TIME_MILLIS && max.max() < DEAD_MILLIS;
        lines.add(new Line(what, "held; p99 " + num(p99.median()) + " ms" + range(p99, "") + ", largest "
                + num(max.max()) + " ms", goal, met ? "yes" : "**no**"));
    }

    private void detection() {
        for (Group g : results.groups(DETECTION, "timeoutMs")) {
            double timeout = g.param("timeoutMs");
            absolute("Detection, worst past the timeout (" + g.params().get("timeoutMs") + " ms; issue 5), largest "
                    + "of the rounds", g, r -> ReportGenerator.millis(r, r.percentile("100.0")) - timeout, " ms", 100,
                    "≤ 100 ms", Table.Over.MAX);
        }
    }

    // ------------------------------------------------------------------------------------------------ lines

    private void ratio(String what, Group g, ToDoubleFunction<Run> figure, double threshold, boolean atLeast,
                       String goal) {
        Spread s = g == null ? Spread.NONE : g.ratio("vigil", "netty", figure);
        if (s.isEmpty()) {
            missing(what, goal);
            return;
        }
        lines.add(new Line(what, Table.ratio(s), goal, verdict(s, threshold, atLeast)));
    }

    private void absolute(String what, Group g, ToDoubleFunction<Run> figure, String unit, double threshold,
                          String goal) {
        absolute(what, g, figure, unit, threshold, goal, Table.Over.MEDIAN);
    }

    /** A figure that must stay below a threshold (at most it, for sizes; strictly below, for percentages). */
    private void absolute(String what, Group g, ToDoubleFunction<Run> figure, String unit, double threshold,
                          String goal, Table.Over over) {
        Spread s = g == null ? Spread.NONE : g.figure("vigil", figure);
        if (s.isEmpty()) {
            missing(what, goal);
            return;
        }
        if (over == Table.Over.MAX) {
            lines.add(new Line(what, num(s.max()) + unit, goal, s.max() <= threshold ? "yes" : "**no**"));
        } else {
            lines.add(new Line(what, num(s.median()) + unit + range(s, ""), goal, verdict(s, threshold, false)));
        }
    }

    private void missing(String what, String goal) {
        lines.add(new Line(what, "not measured in this run", goal, Table.NONE));
    }

    private static String range(Spread s, String unit) {
        return s.rounds() > 1 ? " (" + num(s.min()) + unit + "–" + num(s.max()) + unit + ")" : "";
    }

    private static String verdict(Spread s, double threshold, boolean atLeast) {
        boolean met = atLeast ? s.median() >= threshold : s.median() <= threshold;
        return (met ? "yes" : "**no**") + (s.straddles(threshold) ? ", by the median: rounds on both sides" : "");
    }
}
