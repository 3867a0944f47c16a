package dev.vigil.benchmarks.report;

import dev.vigil.benchmarks.report.Results.Group;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A table of the throughput section that puts one more implementation of {@code ThroughputBenchmark} beside
 * {@code vigil}, on the rows that ran both: messages per second and bytes per message for each, each figure the median
 * over the rounds, and the ratio taken per round (the forks of a row one after the other, their order turning from
 * round to round) with the rounds' min–max. Two such tables: sessions on next to sessions off ({@link #SESSIONS}), and
 * Vigil next to the floor of its own design, plain sockets on virtual threads ({@link #VIRTUAL_FLOOR}).
 *
 * @param impl    the implementation beside {@code vigil}
 * @param heading the table's heading
 * @param intro   the paragraph under it
 * @param ratio   the ratio columns' header, {@code impl ÷ vigil} or its inverse
 * @param vigilOver whether the ratio is vigil divided by {@code impl} (else {@code impl} divided by vigil)
 * @param wideNote what a row whose rounds spread wider than the gap cannot tell
 */
record BesideVigilSection(String impl, String heading, String intro, String ratio, boolean vigilOver,
                          String wideNote) {
    private static final String VIGIL = "vigil";

    static final BesideVigilSection SESSIONS = new BesideVigilSection("vigil-sessions", "Sessions on and off",
            "The same echo with `SessionPolicy.defaults()` on both ends (`vigil-sessions`: every message "
                    + "goes through the replay buffer and is released by the peer's cumulative ACKs, which ride ahead "
                    + "of the echoes or leave on their own after 32 frames or 200 ms), next to Vigil without sessions "
                    + "(`vigil`), in the same rounds. The ratio is sessions on divided by sessions off, per round; "
                    + "higher is better for messages per second, lower for bytes per message.",
            "sessions ÷ vigil", false, "cannot tell sessions on from off");

    static final BesideVigilSection VIRTUAL_FLOOR = new BesideVigilSection("socket-virtual",
            "Vigil and the floor of a virtual thread per connection",
            "`socket-virtual` is the `socket` floor's code (blocking streams, the length-prefixed framing, a flush "
                    + "once the input is drained) on virtual threads instead of platform threads: it pays what a "
                    + "blocking read on a virtual thread costs (the JDK's poller and scheduler) and none of Vigil's own "
                    + "work. Vigil divided by it, per round, says how much of the gap to Netty is Vigil's and how much "
                    + "is the design's; higher is better for messages per second, lower for bytes per message.",
            "vigil ÷ socket-virtual", true, "cannot tell Vigil from the floor");

    static final List<BesideVigilSection> ALL = List.of(SESSIONS, VIRTUAL_FLOOR);

    void write(StringBuilder md, List<Group> throughput) {
        List<Group> both = throughput.stream()
                .filter(g -> !g.runs(impl).isEmpty() && !g.runs(VIGIL).isEmpty()).toList();
        if (both.isEmpty()) {
            return;
        }
        md.append("### ").append(heading).append("\n\n").append(intro).append("\n\n");
        md.append("| Payload, window, connections | vigil msg/s | ").append(impl).append(" msg/s | ").append(ratio)
                .append(" | vigil B/msg | ").append(impl).append(" B/msg | ").append(ratio)
                .append(" |\n|---|--:|--:|--:|--:|--:|--:|\n");
        boolean wide = false;
        for (Group g : both) {
            md.append(String.format(Locale.ROOT, "| %s B, window %s, %s conn", g.params().get("payload"),
                    g.params().get("window"), g.params().get("connections")));
            for (ToDoubleFunction<Run> figure : List.<ToDoubleFunction<Run>>of(ReportGenerator::messages,
                    ReportGenerator::allocPerMessage)) {
                Spread r = vigilOver ? g.ratio(VIGIL, impl, figure) : g.ratio(impl, VIGIL, figure);
                wide |= r.widerThanGap();
                md.append(" | ").append(Table.num(g.figure(VIGIL, figure).median()))
                        .append(" | ").append(Table.num(g.figure(impl, figure).median()))
                        .append(" | ").append(Table.ratio(r));
            }
            md.append(" |\n");
        }
        md.append('\n');
        if (wide) {
            md.append(Table.WIDE).append(" The rounds' ratios spread wider than the gap to 1.00×: on this row the "
                    + "run ").append(wideNote).append(".\n\n");
        }
    }
}
