package dev.vigil.examples;

import dev.vigil.examples.chat.ChatExample;
import dev.vigil.examples.echo.EchoExample;
import dev.vigil.examples.metrics.MetricsExample;
import dev.vigil.examples.trading.TradingExample;
import dev.vigil.examples.fleet.FleetDemo;
import dev.vigil.examples.fleet.FleetOptions;
import dev.vigil.examples.health.HealthDemo;
import dev.vigil.examples.health.HealthOptions;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar vigil-examples.jar <example> [options]}: runs one of the examples. With no arguments it runs the
 * fleet demo; {@code --help} lists the examples and their options.
 */
public final class Main {

    /** Runs an example with its parsed options. */
    @FunctionalInterface
    interface Runner {
        /** Runs; returns the exit status. */
        int run(Options options, PrintStream out) throws Exception;
    }

    /** One runnable example: its name, what it shows, how to call it, its options. */
    record Example(String name, String summary, List<String> usage, List<Options.Spec> specs, Runner runner) {
    }

    static final List<Example> EXAMPLES = List.of(
            new Example("fleet", "IoT fleet monitor: 500 sensors, some hang, lose power, close, come back; "
                    + "a report of how fast each failure was noticed (the demo)",
                    List.of("fleet", "fleet --sensors 100 --seconds 20 --policy phi"), FleetOptions.SPECS,
                    (o, out) -> {
                        FleetDemo.run(FleetOptions.from(o), out); // the report says if anything was unexpected
                        return 0;
                    }),
            new Example("echo", "echo server and client; prints round trips next to Vigil's heartbeat RTT, and why "
                    + "each connection closed (the client exits 1 if it closed before every echo came back)",
                    List.of("echo", "echo server --port 7000", "echo client --port 7000 --count 10",
                            "echo server --port 7000 --interval 1s --timeout 3s"),
                    EchoExample.SPECS, EchoExample::main),
            new Example("chat", "chat with rooms, presence driven by heartbeats, and delivery counts; "
                    + "works with nc too",
                    List.of("chat demo", "chat server --port 7001", "chat client --port 7001 --name ann",
                            "nc localhost 7001",
                            "chat cluster --nodes 3 --port 7001   (3 nodes + an embedded Redis; or --redis URI)"),
                    ChatExample.SPECS, ChatExample::main),
            new Example("health", "health checker: requests go to healthy backends only; a slow one is flagged "
                    + "by its rising RTT, a dead one is dropped",
                    List.of("health", "health --backends 5 --seconds 15"), HealthOptions.SPECS,
                    (o, out) -> {
                        HealthDemo.run(HealthOptions.from(o), out);
                        return 0;
                    }),
            new Example("metrics", "Vigil's meters in Micrometer (vigil-micrometer): connections, closes by kind, "
                    + "frames, bytes, heartbeat RTT percentiles, queued messages",
                    List.of("metrics", "metrics --clients 10 --messages 50"), MetricsExample.SPECS,
                    MetricsExample::main),
            new Example("trading", "order gateway and trading client over a session: numbered orders, each "
                    + "answered once; --chaos cuts and resets the link many times; open orders cancelled at expiry",
                    List.of("trading", "trading --chaos", "trading --chaos --orders 10000 --cuts 200"),
                    TradingExample.SPECS, TradingExample::main));

    private Main() {
    }

    /** The entry point of {@code vigil-examples.jar}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Parses the arguments, runs the example, returns the exit status. */
    static int run(String[] args, PrintStream out) {
        List<String> list = Arrays.asList(args);
        if (list.isEmpty() || list.getFirst().startsWith("--") && !list.getFirst().equals("--help")) {
            // No example named: the demo, with any options given (./demo --sensors 100).
            list = new java.util.ArrayList<>(list);
            list.addFirst("fleet");
        }
        String name = list.getFirst();
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            out.print(help());
            return 0;
        }
        Example example = EXAMPLES.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
        if (example == null) {
            out.printf("unknown example '%s'%n%n%s", name, help());
            return 2;
        }
        List<String> rest = list.subList(1, list.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(help(example));
            return 0;
        }
        Options options;
        try {
            options = Options.parse(rest, example.specs());
        } catch (IllegalArgumentException e) {
            out.printf("%s%n%n%s", e.getMessage(), help(example));
            return 2;
        }
        try {
            return example.runner().run(options, out);
        } catch (IllegalArgumentException e) {
            out.printf("%s%n%n%s", e.getMessage(), help(example));
            return 2;
        } catch (Exception e) {
            e.printStackTrace(out);
            return 1;
        }
    }

    static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Vigil examples: heartbeat-managed TCP connections on virtual threads.%n%n"));
        sb.append(String.format("usage: java -jar vigil-examples.jar <example> [options]   (no example: fleet)%n%n"));
        for (Example e : EXAMPLES) {
            sb.append(help(e)).append(String.format("%n"));
        }
        return sb.toString();
    }

    /** Breaks text into lines of at most {@code width} characters; every line after the first gets {@code indent}. */
    static String wrap(String text, int width, String indent) {
        StringBuilder sb = new StringBuilder();
        int lineStart = 0;
        for (String word : text.split(" ")) {
            if (sb.length() - lineStart + word.length() + 1 > width - indent.length() && sb.length() > lineStart) {
                sb.append(System.lineSeparator()).append(indent);
                lineStart = sb.length();
            } else if (sb.length() > lineStart) {
                sb.append(' ');
            }
            sb.append(word);
        }
        return sb.toString();
    }

    static String help(Example e) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("  %-8s %s%n", e.name(), wrap(e.summary(), 100, "           ")));
        for (String u : e.usage()) {
            sb.append(String.format("      $ %s%n", u.startsWith("nc ") ? u : "java -jar vigil-examples.jar " + u));
        }
        sb.append(Options.describe(e.specs()));
        return sb.toString();
    }
}
