package dev.vigil.benchmarks;

import dev.vigil.benchmarks.report.ReportGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every benchmark once, tiny, for every implementation, in this JVM (forks 0), then the report generator on the
 * results: so that no benchmark rots. Checks that nothing is left running afterwards.
 */
class BenchmarksSmokeTest {
    private static final String[] IMPLS = {"vigil", "netty", "socket"};

    /**
     * JMH refuses to start while another JMH run holds its machine-wide lock ({@code /tmp/jmh.lock}), which is right
     * for measurements and wrong for this test, which measures nothing: builds that run side by side (CI jobs,
     * worktrees) would fail it by chance.
     */
    @BeforeAll
    static void runBesideOtherJmhRuns() {
        System.setProperty("jmh.ignoreLock", "true");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyBenchmarkRunsAndTheReportHasARowForEach(@TempDir Path dir) throws Exception {
        long fdsBefore = openFiles();
        List<Path> results = new ArrayList<>();
        // JMH adds parameter values up: this appends vigil-sessions and socket-virtual to the three implementations.
        results.add(run(dir, ThroughputBenchmark.class, o -> o.param("impl", "vigil-sessions", "socket-virtual")
                .param("payload", "64").param("connections", "2").param("window", "1", "16")));
        results.add(run(dir, LatencyBenchmark.class, o -> o.param("impl", "vigil-spin"))); // readSpin on
        // Two client JVMs of 25 connections each, as 19,000 take two of 9,500; long enough for every connection to
        // see heartbeats.
        results.add(run(dir, IdleScaleBenchmark.class, o -> o.param("idleConnections", "50")
                .param("clientJvmConnections", "25").measurementTime(TimeValue.milliseconds(1500))));
        results.add(run(dir, DetectionBenchmark.class, o -> o
                .param("intervalMs", "200").param("timeoutMs", "600").threads(3)));
        // Vigil only, no impl: one node, and two nodes on embedded-redis's redis-server.
        results.add(run(dir, BroadcastBenchmark.class, null, 2, o -> o.param("clientsPerNode", "2")));

        ReportGenerator.main(Stream.concat(Stream.of("--out", dir.toString()),
                results.stream().map(Path::toString)).toArray(String[]::new));
        String md = Files.readString(dir.resolve("benchmarks.md"), StandardCharsets.UTF_8);
        for (String row : List.of("64 B, window 1, 2 conn", "64 B, window 16, 2 conn", "p50 (µs)", "p99.9 (µs)",
                "50 conn: heap per connection (B)", "50 conn: CPU, server process (% of a core)",
                "50 conn: live threads, server JVM", "50 conn: heartbeat frames per connection and second",
                "50 conn: heartbeat lateness p99 (ms)", "50 conn: heartbeat lateness, largest (ms)", "median (ms)",
                "worst (ms)")) {
            assertEveryImplHasAFigure(md, row);
        }
        for (String beside : List.of("### Sessions on and off", "### Vigil and the floor of a virtual thread")) {
            assertTrue(md.contains(beside), beside + " in:\n" + md);
        }
        for (String topology : List.of("one-node", "two-nodes-redis")) {
            assertTrue(md.lines().anyMatch(l -> l.matches("\\| " + topology
                    + " \\| [0-9][0-9,.]* \\| [0-9][0-9,.]* \\| [0-9.]+× \\|")), topology + " row in:\n" + md);
        }
        String svg = Files.readString(dir.resolve("benchmarks-throughput.svg"), StandardCharsets.UTF_8);
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline"), svg);

        assertNothingLeftRunning(fdsBefore);
    }

    private interface Tweak {
        ChainedOptionsBuilder apply(ChainedOptionsBuilder options);
    }

    private static Path run(Path dir, Class<?> benchmark, Tweak tweak) throws Exception {
        return run(dir, benchmark, IMPLS, IMPLS.length, tweak);
    }

    private static Path run(Path dir, Class<?> benchmark, String[] impls, int expectedRuns, Tweak tweak)
            throws Exception {
        Path json = dir.resolve(benchmark.getSimpleName() + ".json");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(benchmark.getName())
                .forks(0)
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                .measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON).result(json.toString());
        if (impls != null) {
            options.param("impl", impls);
        }
        int runs = new Runner(tweak.apply(options).build()).run().size();
        assertTrue(runs >= expectedRuns, benchmark.getSimpleName() + ": " + runs + " runs");
        return json;
    }

    /** Finds the table row whose first cell is {@code label} and checks the three implementations' cells. */
    private static void assertEveryImplHasAFigure(String md, String label) {
        for (String line : md.split("\n")) {
            if (line.startsWith("| " + label + " |")) {
                String[] cells = line.split("\\|");
                // "", label, vigil, netty, socket, ratio, ratio
                for (int i = 2; i < 2 + IMPLS.length; i++) {
                    String cell = cells[i].trim();
                    assertTrue(cell.matches("-?[0-9][0-9,]*(\\.[0-9]+)?"), label + ": " + Arrays.toString(cells));
                }
                return;
            }
        }
        fail("no row \"" + label + "\" in:\n" + md);
    }

    private static void assertNothingLeftRunning(long fdsBefore) throws Exception {
        List<String> left = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("bench-") || n.startsWith("vigil-")).sorted().toList();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(List.of(), left, "threads left running");
        assertEquals(0, ProcessHandle.current().children().count(), "child processes left running");
        long fdsAfter = openFiles();
        // JMH and the JDK may keep a few files open (jars, result files); sockets left behind would be many.
        assertTrue(fdsBefore < 0 || fdsAfter - fdsBefore < 20, "open files: " + fdsBefore + " before, "
                + fdsAfter + " after");
    }

    private static long openFiles() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(fds)) {
            return s.count();
        }
    }
}
