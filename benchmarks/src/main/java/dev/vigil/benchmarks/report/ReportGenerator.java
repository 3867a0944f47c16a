package dev.vigil.benchmarks.report;

import dev.vigil.benchmarks.report.Results.Group;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Writes {@code benchmarks.md} and {@code benchmarks-throughput.svg} from JMH JSON result files: every figure comes
 * from the JSON, each next to its ratios to {@code netty} and {@code socket}. The machine is described as the
 * generator sees it, so run it on the machine that ran the benchmarks ({@code bench.sh} does, right after).
 *
 * <p>Results may come in rounds: each fork tagged with its round by the system property {@code vigil.bench.round}
 * (JMH records a fork's JVM arguments in its JSON; {@code bench.sh} runs every row once per round, the three
 * implementations one after the other). Each figure is then the median over the rounds, and each ratio the median of
 * the per-round ratios, with their min–max. Untagged results are one round.
 *
 * <p>The hand-written analysis ({@code --analysis}, by default {@code benchmarks-analysis.md} in the output
 * directory if there is one) is appended once, as it stands.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.vigil.benchmarks.report.ReportGenerator [--out docs]
 * [--analysis docs/benchmarks-analysis.md] result.json...}
 */
public final class ReportGenerator {
    static final List<String> IMPLS = List.of("vigil", "netty", "socket");
    static final String THROUGHPUT = "ThroughputBenchmark.echo";
    static final String LATENCY = "LatencyBenchmark.roundTrip";
    static final String IDLE = "IdleScaleBenchmark.idle";
    static final String DETECTION = "DetectionBenchmark.silentPeer";
    private static final String NONE = "—";

    private static final String ANALYSIS_HEADING = "## Analysis";

    private final Results results;
    private final List<Path> inputs;
    private final StringBuilder md = new StringBuilder();

    private ReportGenerator(List<Run> runs, List<Path> inputs) {
        this.results = new Results(runs);
        this.inputs = inputs;
    }

    /**
     * The report's two files.
     *
     * @param markdown {@code benchmarks.md}
     * @param svg      {@code benchmarks-throughput.svg}
     */
    public record Report(String markdown, String svg) {
    }

    /**
     * Reads the results and writes the report.
     *
     * @param args {@code [--out dir] file.json...}
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of("docs");
        Path analysis = null;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if (args[i].equals("--analysis") && i + 1 < args.length) {
                analysis = Path.of(args[++i]);
            } else {
                inputs.add(Path.of(args[i]));
            }
        }
        if (inputs.isEmpty()) {
            System.err.println("usage: ReportGenerator [--out dir] [--analysis file.md] jmh-result.json...");
            System.exit(2);
        }
        Report report = generate(inputs);
        Files.createDirectories(out);
        if (analysis == null) {
            analysis = out.resolve("benchmarks-analysis.md");
        }
        String markdown = report.markdown();
        if (Files.exists(analysis)) {
            markdown = withAnalysis(markdown, Files.readString(analysis, StandardCharsets.UTF_8), analysis);
        }
        Files.writeString(out.resolve("benchmarks.md"), markdown, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("benchmarks-throughput.svg"), report.svg(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.resolve("benchmarks.md") + " and "
                + out.resolve("benchmarks-throughput.svg"));
    }

    /**
     * Appends the analysis, which people write in words (why a target is missed, what the profiles show, what would
     * close it), as it stands: once, after the generated sections.
     *
     * @param report   the generated report, with no analysis
     * @param analysis the analysis, starting with its {@code ## Analysis} heading
     * @param from     where the analysis came from, for the error
     * @return the report with the analysis
     */
    static String withAnalysis(String report, String analysis, Path from) {
        long headings = analysis.lines().filter(l -> l.equals(ANALYSIS_HEADING)).count();
        if (headings != 1 || analysis.lines().anyMatch(l -> l.equals("# Benchmarks"))) {
            throw new IllegalArgumentException(from + ": an analysis is one section that starts with \""
                    + ANALYSIS_HEADING + "\" (found " + headings + "), not a generated report");
        }
        return report + "\n" + analysis;
    }

    /**
     * Builds the report from JMH JSON result files.
     *
     * @param inputs the files
     * @return the report
     * @throws IOException if a file cannot be read
     */
    @SuppressWarnings("unchecked")
    public static Report generate(List<Path> inputs) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (Path p : inputs) {
            for (Object o : (List<Object>) Json.parse(Files.readString(p, StandardCharsets.UTF_8))) {
                runs.add(Run.of((Map<String, Object>) o));
            }
        }
        if (runs.isEmpty()) {
            throw new IOException("no results in " + inputs);
        }
        ReportGenerator g = new ReportGenerator(runs, inputs);
        return new Report(g.markdown(), ThroughputChart.svg(g.chartPanels(), IMPLS));
    }

    // ---------------------------------------------------------------------------------------------------------- text

    private String markdown() throws IOException {
        int rounds = results.rounds(null).size();
        java.util.IntSummaryStatistics perBenchmark = results.runs().stream().map(Run::benchmark).distinct()
                .mapToInt(b -> results.rounds(b).size()).summaryStatistics();
        String howMany = perBenchmark.getMin() == perBenchmark.getMax() ? rounds + " rounds"
                : "rounds (" + perBenchmark.getMin() + " to " + perBenchmark.getMax() + " by benchmark: see Settings)";
        md.append("# Benchmarks\n\n");
        md.append("Generated by `dev.vigil.benchmarks.report.ReportGenerator` from ").append(sources())
                .append("; do not edit by hand (`bash bench.sh short` or `bash bench.sh full` runs the benchmarks "
                        + "and writes this file). ");
        if (rounds > 1) {
            md.append("Every implementation ran in a JVM fork of its own, in ").append(howMany).append(": in "
                    + "each round every row ran once per implementation, the forks of a row one after the other (the "
                    + "order turning from round to round), so that load on the machine falls on all of them alike. "
                    + "Each figure is the median over the rounds; each ratio is vigil's figure divided by the "
                    + "other's in the same round, the median of those per-round ratios, with their min–max in "
                    + "brackets; ").append(Table.WIDE).append(" marks a ratio whose spread is wider than its gap "
                    + "to 1.00×.\n\n");
        } else {
            md.append("All three implementations ran in the same session on the same machine, in one round, so no "
                    + "ratio has a spread. Ratios are vigil's figure divided by the other's.\n\n");
        }
        machine();
        throughput();
        latency();
        idle();
        detection();
        BroadcastSection.write(md, results);
        targets();
        settings();
        return md.toString();
    }

    private String sources() {
        if (inputs.size() <= 8) {
            return inputs.stream().map(p -> "`" + p.getFileName() + "`").collect(Collectors.joining(", "));
        }
        TreeMap<String, Integer> dirs = new TreeMap<>();
        inputs.forEach(p -> dirs.merge(p.toAbsolutePath().getParent().getFileName() + "/", 1, Integer::sum));
        return dirs.entrySet().stream().map(e -> e.getValue() + " JMH result files in `" + e.getKey() + "`")
                .collect(Collectors.joining(", "));
    }

    private void machine() throws IOException {
        Run any = results.runs().get(0);
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        Instant date = Instant.EPOCH;
        for (Path p : inputs) {
            Instant t = Files.getLastModifiedTime(p).toInstant();
            date = t.isAfter(date) ? t : date;
        }
        md.append("## Machine\n\n| | |\n|---|---|\n");
        md.append("| CPU | ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores |\n");
        md.append(String.format(Locale.ROOT, "| Memory | %.1f GiB |%n", memory / (double) (1L << 30)));
        md.append("| OS | ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch"))
                .append(" |\n");
        md.append("| JDK | ").append(any.field("jdkVersion")).append(", ").append(any.field("vmName")).append(' ')
                .append(any.field("vmVersion")).append(" |\n");
        md.append("| JMH | ").append(any.field("jmhVersion")).append(" |\n");
        md.append("| Date | ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
                .format(date)).append(" (when the results were written) |\n\n");
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private void throughput() {
        List<Group> groups = results.groups(THROUGHPUT, "payload", "window", "connections");
        if (groups.isEmpty()) {
            return;
        }
        md.append("## Throughput\n\n");
        md.append("Echo over loopback: each connection keeps `window` frames of `payload` bytes in flight and "
                + "answers every echo with a new frame; both ends use the same implementation, in one JVM. "
                + "Messages are echoes received per second, all connections together. CPU is the whole process's "
                + "(client and server side): messages per CPU-second holds up better than the raw rate on a shared "
                + "machine. Allocation comes from `-prof gc` (client and server side, per echoed message).\n\n");
        md.append("![Throughput by connections](benchmarks-throughput.svg)\n\n");
        Function<Group, String> label = g -> String.format(Locale.ROOT, "%s B, window %s, %s conn",
                g.params().get("payload"), g.params().get("window"), g.params().get("connections"));
        md.append("Echoed messages per second (higher is better):\n\n");
        Table.write(md, "Payload, window, connections", rows(groups, label, ReportGenerator::messages));
        md.append("Messages per CPU-second (higher is better):\n\n");
        Table.write(md, "Payload, window, connections", rows(groups, label, ReportGenerator::perCpuSecond));
        if (results.runs().stream().anyMatch(r -> r.benchmark().equals(THROUGHPUT)
                && r.secondaryScore("gc.alloc.rate").isPresent())) {
            md.append("Bytes allocated per echoed message (lower is better):\n\n");
            Table.write(md, "Payload, window, connections", rows(groups, label, ReportGenerator::allocPerMessage));
        }
        for (BesideVigilSection section : BesideVigilSection.ALL) {
            section.write(md, groups);
        }
    }

    private void latency() {
        List<Group> groups = results.groups(LATENCY, "payload");
        if (groups.isEmpty()) {
            return;
        }
        md.append("## Latency\n\n");
        md.append("Request and response on one connection: the benchmark thread sends a frame and parks until the "
                + "client's I/O thread has the echo and unparks it; every round trip is timed (JMH SampleTime). "
                + "Each round's percentiles come from that round's fork. Microseconds, lower is better.\n\n");
        for (Group g : groups) {
            md.append(g.params().get("payload")).append("-byte frames, round trips: ").append(samples(g))
                    .append(":\n\n");
            List<Table.Row> rows = new ArrayList<>();
            for (String[] p : new String[][] {{"p50", "50.0"}, {"p99", "99.0"}, {"p99.9", "99.9"}}) {
                rows.add(new Table.Row(p[0] + " (µs)", g, r -> micros(r, r.percentile(p[1]))));
            }
            Table.write(md, "Percentile", rows);
        }
    }

    private static String samples(Group g) {
        return g.impls().stream().map(i -> i + " " + g.runs(i).values().stream().mapToLong(Run::samples).sum())
                .collect(Collectors.joining(", "));
    }

    private void idle() {
        List<Group> groups = results.groups(IDLE, "idleConnections");
        if (groups.isEmpty()) {
            return;
        }
        md.append("## Idle connections\n\n");
        md.append("Connections that only heartbeat (PING after 1 s of silence, dead after 3 s), server side in the "
                + "measured JVM and client side in other JVMs (at most `clientJvmConnections` each, so that every "
                + "process stays under its limit of open files). Heap is the server's after a full GC, less its "
                + "heap with the server started and no connection, per connection. CPU is per second of wall "
                + "time, in percent of one core. Threads are the server JVM's live platform threads (virtual "
                + "threads are not threads in this sense). Heartbeat lateness is measured by the clients: each time "
                + "a heartbeat frame arrives, how much longer than the 1 s interval its connection had been silent "
                + "(1 ms buckets, upper edge; a connection is dead at 2,000 ms); the largest is the largest of the "
                + "rounds. Heartbeat frames are counted per connection and second (Vigil tells its user of reads, "
                + "not frames: for Vigil the count is of reads that brought frames). `bench.sh` runs socket, one "
                + "platform thread per connection, at 1,000 connections only (`full`). Lower is better.\n\n");
        List<Table.Row> rows = new ArrayList<>();
        for (Group g : groups) {
            double n = g.param("idleConnections");
            String c = String.format(Locale.ROOT, "%,d conn: ", (long) n);
            rows.add(new Table.Row(c + "heap per connection (B)", g, ReportGenerator::heapPerConnection));
            rows.add(new Table.Row(c + "CPU, server process (% of a core)", g, ReportGenerator::serverCpuPercent));
            rows.add(new Table.Row(c + "CPU, server and client processes (% of a core)", g,
                    r -> (score(r.secondaryScore("serverCpuNanos")) + score(r.secondaryScore("clientCpuNanos")))
                            / 1e7));
            rows.add(new Table.Row(c + "live threads, server JVM", g, r -> score(r.secondaryMean("liveThreads"))));
            if (results.runs().stream().anyMatch(r -> r.benchmark().equals(IDLE)
                    && r.secondaryScore("heartbeats").isPresent())) {
                rows.add(new Table.Row(c + "heartbeat frames per connection and second", g,
                        r -> score(r.secondaryScore("heartbeats")) / n, false, Table.Over.MEDIAN));
                rows.add(new Table.Row(c + "heartbeat lateness p99 (ms)", g, ReportGenerator::latenessP99Millis,
                        false, Table.Over.MEDIAN));
                rows.add(new Table.Row(c + "heartbeat lateness, largest (ms)", g,
                        ReportGenerator::latenessMaxMillis, false, Table.Over.MAX));
            }
        }
        Table.write(md, "Connections: figure", rows);
    }

    private void detection() {
        List<Group> groups = results.groups(DETECTION, "timeoutMs", "intervalMs");
        if (groups.isEmpty()) {
            return;
        }
        md.append("## Dead-peer detection\n\n");
        md.append("A peer goes silent with its connection left open (a proxy between the ends starts dropping every "
                + "byte, both ways, right after one request and its echo); the figure is the time from that "
                + "request to the server closing the connection for heartbeat timeout. Milliseconds, each trial "
                + "timed (JMH SampleTime, whose histogram rounds a 3 s figure to about 4 ms); the median is the "
                + "median of the rounds' medians, the worst the worst of all trials. The closer to the timeout the "
                + "better; the worst case is what a user must plan for.\n\n");
        for (Group g : groups) {
            double timeout = g.param("timeoutMs");
            md.append(String.format(Locale.ROOT, "Heartbeat interval %s ms, timeout %s ms; trials: %s.%n%n",
                    g.params().get("intervalMs"), g.params().get("timeoutMs"), samples(g)));
            List<Table.Row> rows = new ArrayList<>();
            rows.add(new Table.Row("median (ms)", g, r -> millis(r, r.percentile("50.0"))));
            rows.add(new Table.Row("worst (ms)", g, r -> millis(r, r.percentile("100.0")), true, Table.Over.MAX));
            rows.add(new Table.Row("worst past the timeout (ms)", g,
                    r -> millis(r, r.percentile("100.0")) - timeout, false, Table.Over.MAX));
            Table.write(md, "Figure", rows);
        }
    }

    private void targets() {
        List<Targets.Line> lines = Targets.of(results);
        md.append("## Targets\n\n");
        md.append("The targets of issue 14, against this run, 64-byte frames: ratios are the median of the "
                + "per-round ratios, with the rounds' min–max; a target is met or missed by the median, and the "
                + "line says so when the rounds fall on both sides of it. Where a target is missed, the analysis "
                + "below says by how much, why, and what was tried.\n\n");
        md.append("| Target | Measured | Goal | Met |\n|---|--:|---|---|\n");
        for (Targets.Line l : lines) {
            md.append("| ").append(String.join(" | ", l.what(), l.measured(), l.goal(), l.met())).append(" |\n");
        }
        md.append('\n');
    }

    private void settings() {
        md.append("## Settings\n\nPer fork; every row ran once per implementation and round. Iterations is the time "
                + "JMH's iterations take, all forks of the benchmark together, from its settings; each fork also "
                + "starts a JVM and sets up and tears down its connections.\n\n"
                + "| Benchmark | Mode | Rounds | Forks per round | Warm-up | Measurement | Threads | Iterations | "
                + "Parameters |\n|---|---|--:|--:|---|---|--:|--:|---|\n");
        Map<String, List<Run>> byBenchmark = results.runs().stream()
                .collect(Collectors.groupingBy(Run::benchmark, TreeMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Run>> e : byBenchmark.entrySet()) {
            Run r = e.getValue().get(0);
            Map<String, List<String>> values = new TreeMap<>();
            for (Run x : e.getValue()) {
                x.params().forEach((k, v) -> {
                    List<String> vs = values.computeIfAbsent(k, key -> new ArrayList<>());
                    if (!vs.contains(v)) {
                        vs.add(v);
                    }
                });
            }
            values.values().forEach(vs -> vs.sort(Comparator.comparingDouble(ReportGenerator::sortKey)));
            md.append("| ").append(e.getKey()).append(" | ").append(r.field("mode")).append(" | ")
                    .append(results.rounds(e.getKey()).size()).append(" | ")
                    .append(r.field("forks")).append(" | ").append(r.field("warmupIterations")).append(" × ")
                    .append(r.field("warmupTime")).append(" | ").append(r.field("measurementIterations"))
                    .append(" × ").append(r.field("measurementTime")).append(" | ").append(r.field("threads"))
                    .append(" | ").append(Table.num(e.getValue().stream().mapToDouble(ReportGenerator::iterationSeconds)
                            .sum())).append(" s | ").append(values.entrySet().stream().map(v -> v.getKey() + " = "
                            + String.join(", ", v.getValue())).collect(Collectors.joining("; "))).append(" |\n");
        }
        md.append('\n');
    }

    /** {@return how long a run's iterations take by its settings, in seconds} */
    static double iterationSeconds(Run r) {
        try {
            return Double.parseDouble(r.field("warmupIterations")) * seconds(r.field("warmupTime"))
                    + Double.parseDouble(r.field("measurementIterations")) * seconds(r.field("measurementTime"));
        } catch (IllegalArgumentException e) {
            return Double.NaN; // not JMH's shape: no settings to tell
        }
    }

    /** JMH's time values: {@code "1 s"}, {@code "200 ms"}. */
    private static double seconds(String time) {
        String[] parts = time.trim().split(" ");
        if (parts.length != 2) {
            throw new IllegalArgumentException("time " + time);
        }
        double unit = switch (parts[1]) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("time " + time);
        };
        return Double.parseDouble(parts[0]) * unit;
    }

    private static double sortKey(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            int i = IMPLS.indexOf(v);
            return i < 0 ? Double.MAX_VALUE : i;
        }
    }

    // --------------------------------------------------------------------------------------------------- data

    private static List<Table.Row> rows(List<Group> groups, Function<Group, String> label,
                                        ToDoubleFunction<Run> figure) {
        List<Table.Row> rows = new ArrayList<>();
        for (Group g : groups) {
            rows.add(new Table.Row(label.apply(g), g, figure));
        }
        return rows;
    }

    private List<ThroughputChart.Panel> chartPanels() {
        Map<String, Map<String, Map<Integer, Double>>> panels = new LinkedHashMap<>();
        for (Group g : results.groups(THROUGHPUT, "payload", "window", "connections")) {
            for (String impl : g.impls()) {
                String title = g.params().get("payload") + "-byte frames, window " + g.params().get("window");
                panels.computeIfAbsent(title, t -> new TreeMap<>())
                        .computeIfAbsent(impl, i -> new TreeMap<>())
                        .put((int) g.param("connections"), g.figure(impl, ReportGenerator::messages).median());
            }
        }
        List<ThroughputChart.Panel> list = new ArrayList<>();
        panels.forEach((title, series) -> list.add(new ThroughputChart.Panel(title, series)));
        return list;
    }

    // ------------------------------------------------------------------------------------------------ figures

    static double messages(Run r) {
        return score(r.secondaryScore("messages"));
    }

    static double perCpuSecond(Run r) {
        double messages = messages(r);
        double cpuNanos = score(r.secondaryScore("cpuNanos"));
        return cpuNanos > 0 ? messages / (cpuNanos / 1e9) : Double.NaN;
    }

    static double allocPerMessage(Run r) {
        // gc.alloc.rate is in MB/sec, JMH's MB being 2^20 bytes.
        return score(r.secondaryScore("gc.alloc.rate")) * (1 << 20) / messages(r);
    }

    static double serverCpuPercent(Run r) {
        return score(r.secondaryScore("serverCpuNanos")) / 1e7;
    }

    static double heapPerConnection(Run r) {
        return score(r.secondaryMean("heapBytesPerConnection"));
    }

    static double latenessP99Millis(Run r) {
        return nonNegative(r.secondaryMean("latenessP99Millis"));
    }

    static double latenessMaxMillis(Run r) {
        return nonNegative(r.secondaryMax("latenessMaxMillis"));
    }

    /** Lateness gauges are -1 where no heartbeat arrived at all. */
    private static double nonNegative(OptionalDouble d) {
        double v = score(d);
        return v < 0 ? Double.NaN : v;
    }

    static double score(OptionalDouble d) {
        return d.orElse(Double.NaN);
    }

    /** Converts a SampleTime figure in the run's unit to microseconds. */
    static double micros(Run r, OptionalDouble value) {
        return score(value) * unitNanos(r.primaryUnit()) / 1e3;
    }

    static double millis(Run r, OptionalDouble value) {
        return score(value) * unitNanos(r.primaryUnit()) / 1e6;
    }

    private static double unitNanos(String unit) {
        return switch (unit.substring(0, unit.indexOf('/'))) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }
}
