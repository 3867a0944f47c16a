package dev.vigil.benchmarks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator on results written here in JMH's JSON shape, with figures chosen so each statistic shows. */
class ReportGeneratorTest {
    private static final String TP = "dev.vigil.benchmarks.ThroughputBenchmark.echo";
    private static final String IDLE = "dev.vigil.benchmarks.IdleScaleBenchmark.idle";
    private static final String BROADCAST = "dev.vigil.benchmarks.BroadcastBenchmark.broadcast";

    @TempDir
    Path dir;

    @Test
    void aRatioIsTheMedianOfThePerRoundRatiosWithTheirRange() throws IOException {
        List<String> results = new ArrayList<>();
        // Per-round ratios 0.50, 0.55, 0.90: median 0.55. The ratio of the medians (100 / 200) would be 0.50.
        throughput(results, "16", new double[] {100, 110, 90}, new double[] {200, 200, 100});
        String md = report(results);

        assertTrue(md.contains("| 64 B, window 16, 16 conn | 100 | 200 | — | 0.55× (0.50–0.90) | — |"), md);
        assertTrue(md.contains("in 3 rounds"), md);
        // 2 s of iterations per fork, 6 forks
        assertTrue(md.contains("| ThroughputBenchmark.echo | thrpt | 3 | 1 | 1 × 1 s | 2 × 500 ms | 1 | 12 s | "), md);
    }

    @Test
    void sessionsOnStandNextToSessionsOffWithTheirPerRoundRatio() throws IOException {
        List<String> results = new ArrayList<>();
        // Per-round ratios 0.70, 0.90, 1.00: median 0.90, 0.30 wide, 0.10 from 1.0. The medians' ratio would be 0.70.
        throughput(results, "16", new double[] {100, 200, 60}, new double[] {200, 200, 100});
        sessions(results, "16", new double[] {70, 180, 60}, 300);
        String md = report(results);

        assertTrue(md.contains("### Sessions on and off"), md);
        assertTrue(md.contains("| 64 B, window 16, 16 conn | 100 | 70 | 0.90× (0.70–1.00) † | 200 | 300 "
                + "| 1.50× (1.50–1.50) |"), md);
        assertTrue(md.contains("on this row the run cannot tell sessions on from off"), md);
        // The main tables keep their three implementations.
        assertTrue(md.contains("| 64 B, window 16, 16 conn | 100 | 200 | — | 0.60× (0.50–1.00) † | — |"), md);
    }

    @Test
    void vigilStandsNextToTheVirtualThreadFloorAsVigilDividedByTheFloorPerRound() throws IOException {
        List<String> results = new ArrayList<>();
        throughput(results, "16", new double[] {100, 200, 60}, new double[] {200, 200, 100});
        // Per round vigil ÷ floor: 100/125 = 0.80, 200/250 = 0.80, 60/50 = 1.20: median 0.80.
        beside(results, "socket-virtual", "16", new double[] {125, 250, 50}, 100);
        String md = report(results);

        assertTrue(md.contains("### Vigil and the floor of a virtual thread per connection"), md);
        assertTrue(md.contains("| Payload, window, connections | vigil msg/s | socket-virtual msg/s "
                + "| vigil ÷ socket-virtual |"), md);
        assertTrue(md.contains("| 64 B, window 16, 16 conn | 100 | 125 | 0.80× (0.80–1.20) † |"), md);
        assertTrue(!md.contains("Sessions on and off"), md);
    }

    @Test
    void withoutSessionRunsThereIsNoSessionsTable() throws IOException {
        List<String> results = new ArrayList<>();
        throughput(results, "16", new double[] {100, 110, 90}, new double[] {200, 200, 100});
        String md = report(results);

        assertTrue(md.contains("| 64 B, window 16, 16 conn | 100 | 200 |"), md);
        assertTrue(!md.contains("Sessions on and off"), md);
    }

    @Test
    void aRatioWhoseRoundsSpreadWiderThanItsGapIsMarked() throws IOException {
        List<String> results = new ArrayList<>();
        // Per-round ratios 1.11, 0.91, 1.00: 0.20 apart, 0.00 from 1.0.
        throughput(results, "256", new double[] {100, 100, 100}, new double[] {90, 110, 100});
        throughput(results, "16", new double[] {100, 110, 90}, new double[] {200, 200, 100});
        String md = report(results);

        assertTrue(md.contains("| 64 B, window 16, 256 conn | 100 | 100 | — | 1.00× (0.91–1.11) † | — |"), md);
        assertTrue(md.contains("| 64 B, window 16, 16 conn | 100 | 200 | — | 0.55× (0.50–0.90) | — |"), md);
        assertTrue(md.contains("† The rounds' ratios spread wider than the gap to 1.00×"), md);
    }

    @Test
    void theTargetsTableHoldsEachTargetAgainstTheMedianAndSaysWhatWasNotMeasured() throws IOException {
        List<String> results = new ArrayList<>();
        throughput(results, "16", new double[] {100, 110, 90}, new double[] {200, 200, 100});
        throughput(results, "256", new double[] {100, 100, 100}, new double[] {90, 110, 100});
        String md = report(results);

        assertTrue(md.contains("| Throughput, window 16, 16 conn: vigil ÷ netty | 0.55× (0.50–0.90) | "
                + "≥ 1.0× (aim 1.3×) | **no** |"), md);
        assertTrue(md.contains("| Throughput, window 16, 256 conn: vigil ÷ netty | 1.00× (0.91–1.11) † | "
                + "≥ 1.0× (aim 1.3×) | yes, by the median: rounds on both sides |"), md);
        assertTrue(md.contains("| Throughput, window 16, 1024 conn: vigil ÷ netty | not measured in this run |"), md);
        // 200 bytes per message in every vigil round, over the budget of two byte[64] (80 B each) and 16 B
        assertTrue(md.contains("| Bytes allocated per echoed message, both ends, highest of the 64 B rows (window 16,"
                + " 16 conn) | 200 B (200–200) | ≤ 176 B: two decoded messages (a `byte[64]` is 80 B) + 16 B "
                + "| **no** |"), md);
    }

    @Test
    void theIdleRowsCarryHeartbeatLatenessAndTheLargeRowHoldsItsTarget() throws IOException {
        List<String> results = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            for (String impl : List.of("vigil", "netty")) {
                Map<String, String> params = Map.of("impl", impl, "idleConnections", "19000",
                        "clientJvmConnections", "9500");
                Map<String, String> secondary = new LinkedHashMap<>();
                secondary.put("serverCpuNanos", score(5e7));
                secondary.put("clientCpuNanos", score(5e7));
                secondary.put("heartbeats", score(19000));
                secondary.put("heapBytesPerConnection", raw(3000, 3000));
                secondary.put("liveThreads", raw(12, 12));
                secondary.put("latenessP99Millis", raw(round, round + 2));
                secondary.put("latenessMaxMillis", raw(20, round == 2 ? 900 : 30));
                results.add(result(IDLE, params, round, secondary));
            }
        }
        String md = report(results);

        assertTrue(md.contains("| 19,000 conn: heartbeat lateness p99 (ms) | 3 | 3 | — | — | — |"), md);
        assertTrue(md.contains("| 19,000 conn: heartbeat lateness, largest (ms) | 900 | 900 | — | — | — |"), md);
        assertTrue(md.contains("| 19,000 conn: heartbeat frames per connection and second | 1 | 1 | — |"),
                md);
        assertTrue(md.contains("| 19,000 idle connections held, heartbeats on time (lateness as the clients saw it) "
                + "| held; p99 3 ms (2–4), largest 900 ms |"), md);
    }

    @Test
    void twoResultsForOneImplementationInOneRoundAreRefused() throws IOException {
        List<String> results = new ArrayList<>();
        throughput(results, "16", new double[] {100}, new double[] {200});
        throughput(results, "16", new double[] {100}, new double[] {200});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> report(results));
        assertTrue(e.getMessage().contains("round 1"), e.getMessage());
    }

    @Test
    void theAnalysisIsAppendedOnceHoweverOftenTheReportIsRegenerated() throws IOException {
        List<String> results = new ArrayList<>();
        throughput(results, "16", new double[] {100}, new double[] {200});
        Path json = write(results);
        Files.writeString(dir.resolve("benchmarks-analysis.md"), "## Analysis\n\nWords.\n");
        for (int i = 0; i < 2; i++) {
            ReportGenerator.main(new String[] {"--out", dir.toString(), json.toString()});
        }
        String md = Files.readString(dir.resolve("benchmarks.md"), StandardCharsets.UTF_8);
        assertEquals(1, md.lines().filter(l -> l.equals("## Analysis")).count(), md);
        assertTrue(md.endsWith("## Analysis\n\nWords.\n"), md);
    }

    @Test
    void anAnalysisThatIsNotOneSectionIsRefused() {
        Path from = Path.of("benchmarks-analysis.md");
        assertThrows(IllegalArgumentException.class,
                () -> ReportGenerator.withAnalysis("# Benchmarks\n", "## Analysis\n\n## Analysis\n", from));
        assertThrows(IllegalArgumentException.class,
                () -> ReportGenerator.withAnalysis("# Benchmarks\n", "# Benchmarks\n\n## Analysis\n", from));
        assertThrows(IllegalArgumentException.class,
                () -> ReportGenerator.withAnalysis("# Benchmarks\n", "Words without a heading.\n", from));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    @Test
    void theBroadcastTableHasARowPerTopologyOneNodeFirstWithTheRoundsSpreadAndThePerRoundRatio() throws IOException {
        List<String> results = new ArrayList<>();
        double[] oneNode = {1000, 1200, 800};
        double[] twoNodes = {500, 300, 600}; // per-round ratios 0.50, 0.25, 0.75
        for (int round = 1; round <= 3; round++) {
            for (String topology : List.of("two-nodes-redis", "one-node")) {
                double score = (topology.equals("one-node") ? oneNode : twoNodes)[round - 1];
                results.add(result(BROADCAST, Map.of("topology", topology, "payload", "64", "clientsPerNode", "8",
                        "window", "64"), round, Map.of()).replace("\"score\" : 50.0", "\"score\" : " + score));
            }
        }
        String md = report(results);

        assertTrue(md.contains("## Broadcast across nodes"), md);
        assertTrue(md.contains("to 16 receiving connections"), md);
        String table = "| Topology | broadcasts/s | deliveries/s | ÷ one node |\n|---|--:|--:|--:|\n"
                + "| one-node | 1,000 (800–1,200) | 16,000 (12,800–19,200) | 1.00× (1.00–1.00) |\n"
                + "| two-nodes-redis | 500 (300–600) | 8,000 (4,800–9,600) | 0.50× (0.25–0.75) |\n";
        assertTrue(md.contains(table), md);
    }

    /** One throughput row, 64 B and window 16, over as many rounds as there are figures; 200 B per message. */
    private static void throughput(List<String> into, String connections, double[] vigil, double[] netty) {
        for (int round = 1; round <= vigil.length; round++) {
            for (String impl : List.of("vigil", "netty")) {
                double messages = (impl.equals("vigil") ? vigil : netty)[round - 1];
                double bytesPerMessage = impl.equals("vigil") ? 200 : 1;
                Map<String, String> secondary = new LinkedHashMap<>();
                secondary.put("messages", score(messages));
                secondary.put("cpuNanos", score(1e9));
                secondary.put("gc.alloc.rate", score(bytesPerMessage * messages / (1 << 20)));
                into.add(result(TP, Map.of("impl", impl, "payload", "64", "window", "16", "connections",
                        connections), round, secondary));
            }
        }
    }

    /** vigil-sessions on one throughput row, 64 B and window 16, one figure per round. */
    private static void sessions(List<String> into, String connections, double[] messages, double bytesPerMessage) {
        beside(into, "vigil-sessions", connections, messages, bytesPerMessage);
    }

    /** {@code impl} on one throughput row, 64 B and window 16, one figure per round. */
    private static void beside(List<String> into, String impl, String connections, double[] messages,
                               double bytesPerMessage) {
        for (int round = 1; round <= messages.length; round++) {
            Map<String, String> secondary = new LinkedHashMap<>();
            secondary.put("messages", score(messages[round - 1]));
            secondary.put("cpuNanos", score(1e9));
            secondary.put("gc.alloc.rate", score(bytesPerMessage * messages[round - 1] / (1 << 20)));
            into.add(result(TP, Map.of("impl", impl, "payload", "64", "window", "16", "connections",
                    connections), round, secondary));
        }
    }

    private static String result(String benchmark, Map<String, String> params, int round,
                                 Map<String, String> secondary) {
        return "{ \"benchmark\" : \"" + benchmark + "\", \"mode\" : \"thrpt\", \"forks\" : 1, \"threads\" : 1, "
                + "\"warmupIterations\" : 1, \"warmupTime\" : \"1 s\", "
                + "\"measurementIterations\" : 2, \"measurementTime\" : \"500 ms\", "
                + "\"jvmArgs\" : [ \"-D" + Run.ROUND_PROPERTY + "=" + round + "\", \"-Xmx2g\" ], "
                + "\"params\" : { " + params.entrySet().stream().map(e -> "\"" + e.getKey() + "\" : \""
                + e.getValue() + "\"").collect(Collectors.joining(", ")) + " }, "
                + "\"primaryMetric\" : { \"score\" : 50.0, \"scoreUnit\" : \"ops/s\" }, "
                + "\"secondaryMetrics\" : { " + secondary.entrySet().stream().map(e -> "\"" + e.getKey() + "\" : "
                + e.getValue()).collect(Collectors.joining(", ")) + " } }";
    }

    private static String score(double v) {
        return String.format(Locale.ROOT, "{ \"score\" : %s, \"scoreUnit\" : \"ops/s\" }", v);
    }

    /** A gauge: per-iteration values of one fork. */
    private static String raw(double... iterations) {
        StringBuilder sb = new StringBuilder("{ \"score\" : 0.0, \"scoreUnit\" : \"#\", \"rawData\" : [ [ ");
        for (int i = 0; i < iterations.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(iterations[i]);
        }
        return sb.append(" ] ] }").toString();
    }

    private Path write(List<String> results) throws IOException {
        Path json = Files.createTempFile(dir, "jmh-", ".json");
        Files.writeString(json, "[ " + String.join(",\n", results) + " ]", StandardCharsets.UTF_8);
        return json;
    }

    private String report(List<String> results) throws IOException {
        return ReportGenerator.generate(List.of(write(results))).markdown();
    }
}
