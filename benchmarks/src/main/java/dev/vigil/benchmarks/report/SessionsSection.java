package dev.vigil.benchmarks.report;

import dev.vigil.benchmarks.report.Results.Group;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The throughput section's table of sessions on next to sessions off: {@code ThroughputBenchmark}'s
 * {@code vigil-sessions} (a {@code SessionPolicy} on both ends, so every echo goes through the replay buffer and is
 * confirmed by cumulative ACKs) beside {@code vigil}, on the rows that ran both. Each figure is the median over the
 * rounds; the ratio is sessions-on divided by sessions-off, taken per round (the two forks of a row one after the
 * other, their order turning from round to round) with the rounds' min–max.
 */
final class SessionsSection {
    static final String SESSIONS = "vigil-sessions";
    private static final String VIGIL = "vigil";

    private SessionsSection() {
    }

    static void write(StringBuilder md, List<Group> throughput) {
        List<Group> both = throughput.stream()
                .filter(g -> !g.runs(SESSIONS).isEmpty() && !g.runs(VIGIL).isEmpty()).toList();
        if (both.isEmpty()) {
            return;
        }
        md.append("### Sessions on and off\n\n");
        md.append("The same echo with `SessionPolicy.defaults()` on both ends (`vigil-sessions`: every message "
                + "goes through the replay buffer and is released by the peer's cumulative ACKs, which ride ahead of "
                + "the echoes or leave on their own after 32 frames or 200 ms), next to Vigil without sessions "
                + "(`vigil`), in the same rounds. The ratio is sessions on divided by sessions off, per round; higher is better "
                + "for messages per second, lower for bytes per message.\n\n");
        md.append("| Payload, window, connections | vigil msg/s | vigil-sessions msg/s | sessions ÷ vigil "
                + "| vigil B/msg | vigil-sessions B/msg | sessions ÷ vigil |\n|---|--:|--:|--:|--:|--:|--:|\n");
        boolean wide = false;
        for (Group g : both) {
            md.append(String.format(Locale.ROOT, "| %s B, window %s, %s conn", g.params().get("payload"),
                    g.params().get("window"), g.params().get("connections")));
            for (ToDoubleFunction<Run> figure : List.<ToDoubleFunction<Run>>of(ReportGenerator::messages,
                    ReportGenerator::allocPerMessage)) {
                Spread ratio = g.ratio(SESSIONS, VIGIL, figure);
                wide |= ratio.widerThanGap();
                md.append(" | ").append(Table.num(g.figure(VIGIL, figure).median()))
                        .append(" | ").append(Table.num(g.figure(SESSIONS, figure).median()))
                        .append(" | ").append(Table.ratio(ratio));
            }
            md.append(" |\n");
        }
        md.append('\n');
        if (wide) {
            md.append(Table.WIDE).append(" The rounds' ratios spread wider than the gap to 1.00×: on this row the "
                    + "run cannot tell sessions on from off.\n\n");
        }
    }
}
