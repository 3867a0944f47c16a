package dev.vigil.benchmarks.report;

import dev.vigil.benchmarks.report.Results.Group;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The report's section for {@code BroadcastBenchmark}: Vigil only (no Netty or socket counterpart), one row per
 * topology, one node first, with each figure's median over the rounds and the rounds' min–max, and the ratio of the
 * row to one node, taken per round as the other tables' ratios are.
 */
final class BroadcastSection {
    static final String BROADCAST = "BroadcastBenchmark.broadcast";
    private static final String ONE_NODE = "one-node";

    private BroadcastSection() {
    }

    static void write(StringBuilder md, Results results) {
        List<Group> groups = results.groups(BROADCAST, "payload", "clientsPerNode", "window");
        if (groups.isEmpty()) {
            return;
        }
        groups.sort((a, b) -> Boolean.compare(!ONE_NODE.equals(a.params().get("topology")),
                !ONE_NODE.equals(b.params().get("topology"))));
        Group any = groups.getFirst();
        md.append("## Broadcast across nodes\n\n");
        md.append(String.format(Locale.ROOT, "`broadcast` of %s-byte messages from one node to %d receiving "
                        + "connections, with at most %s broadcasts not yet received by all of them: on one node "
                        + "(every receiver on it), and on two nodes over a real Redis (`vigil-redis`, a "
                        + "`redis-server` on this machine; half the receivers on each node). Vigil only: Netty and "
                        + "plain sockets have no backplane to compare. Deliveries are broadcasts times receivers. "
                        + "The ratio is the row's figure divided by one node's in the same round. Higher is "
                        + "better.%n%n", any.params().get("payload"),
                2 * (int) any.param("clientsPerNode"), any.params().get("window")));
        Group oneNode = groups.stream().filter(g -> ONE_NODE.equals(g.params().get("topology"))).findFirst()
                .orElse(null);
        md.append("| Topology | broadcasts/s | deliveries/s | ÷ one node |\n|---|--:|--:|--:|\n");
        for (Group g : groups) {
            String impl = g.impls().getFirst();
            ToDoubleFunction<Run> broadcasts = BroadcastSection::broadcasts;
            ToDoubleFunction<Run> deliveries = r -> broadcasts(r) * 2 * r.param("clientsPerNode");
            md.append("| ").append(g.params().get("topology"))
                    .append(" | ").append(spread(g.figure(impl, broadcasts)))
                    .append(" | ").append(spread(g.figure(impl, deliveries)))
                    .append(" | ").append(oneNode == null ? Table.NONE : Table.ratio(ratio(g, oneNode, impl)))
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** {@return a run's broadcasts per second} */
    static double broadcasts(Run r) {
        return r.primaryScore();
    }

    /** The per-round ratios of one row's broadcasts to another's. */
    private static Spread ratio(Group g, Group base, String impl) {
        List<Double> ratios = new java.util.ArrayList<>();
        g.runs(impl).forEach((round, run) -> {
            Run b = base.runs(impl).get(round);
            if (b != null && broadcasts(b) > 0) {
                ratios.add(broadcasts(run) / broadcasts(b));
            }
        });
        return Spread.of(ratios);
    }

    /** {@return a figure's median, and with more than one round the rounds' min–max} */
    static String spread(Spread s) {
        if (s.isEmpty()) {
            return Table.NONE;
        }
        String median = Table.num(s.median());
        return s.rounds() == 1 ? median : median + " (" + Table.num(s.min()) + "–" + Table.num(s.max()) + ")";
    }
}
