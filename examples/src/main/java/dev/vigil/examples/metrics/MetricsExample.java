package dev.vigil.examples.metrics;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.examples.Options;
import dev.vigil.micrometer.VigilMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Vigil's metrics in Micrometer: an echo server with {@link VigilMetrics} (the {@code vigil-micrometer} module), a
 * few clients that talk and pause (so heartbeats measure RTT), one that is closed, and the registry printed at the
 * end. The RTT timer's percentiles are chosen here, with a {@link MeterFilter}, as for any Micrometer timer.
 */
public final class MetricsExample {

    /** The options of {@code metrics}. */
    public static final List<Options.Spec> SPECS = List.of(
            Options.Spec.of("clients", "4", "how many clients"),
            Options.Spec.of("messages", "20", "messages each client sends"),
            Options.Spec.of("every", "50ms", "pause between messages"));

    private MetricsExample() {
    }

    /**
     * Runs the example.
     *
     * @param clients  how many clients
     * @param messages messages per client
     * @param every    pause between messages
     * @param out      where the meters are printed
     * @return the registry, for tests
     * @throws Exception if the loopback connections fail
     */
    public static SimpleMeterRegistry run(int clients, int messages, Duration every, PrintStream out)
            throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals("vigil.rtt")
                        ? DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build().merge(config)
                        : config;
            }
        });
        VigilMetrics metrics = new VigilMetrics(registry, Tags.of("manager", "echo-server"));
        HeartbeatPolicy heartbeat = HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofSeconds(1));
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(heartbeat).metrics(metrics)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        connection.send(message);
                    }
                }).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.none()).build()) {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
            List<Connection<String>> connections = new java.util.ArrayList<>();
            for (int i = 0; i < clients; i++) {
                connections.add(client.connect(address));
            }
            for (int m = 0; m < messages; m++) {
                CompletableFuture<?>[] sends = connections.stream().map(c -> c.send("reading"))
                        .toArray(CompletableFuture[]::new);
                CompletableFuture.allOf(sends).get(5, TimeUnit.SECONDS);
                Thread.sleep(every); // pacing: idle gaps are when the server's heartbeats measure RTT
            }
            connections.getFirst().close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.connections().size() == clients && System.nanoTime() < deadline) {
                Thread.sleep(10); // the server sees the close a moment later
            }
            print(registry, out);
        }
        return registry;
    }

    static void print(SimpleMeterRegistry registry, PrintStream out) {
        registry.getMeters().stream()
                .sorted(Comparator.comparing((Meter m) -> m.getId().getName())
                        .thenComparing(m -> m.getId().getTags().toString()))
                .forEach(m -> {
                    StringBuilder values = new StringBuilder();
                    m.measure().forEach(ms -> values.append(' ').append(ms.getStatistic().name().toLowerCase())
                            .append('=').append(String.format(java.util.Locale.ROOT, "%.4g", ms.getValue())));
                    boolean zero = m.measure().iterator().hasNext()
                            && java.util.stream.StreamSupport.stream(m.measure().spliterator(), false)
                            .allMatch(ms -> ms.getValue() == 0);
                    if (!zero) {
                        out.printf("%-28s %-40s%s%n", m.getId().getName(), m.getId().getTags(), values);
                    }
                });
    }

    /**
     * Runs from the command line.
     *
     * @param options the parsed options
     * @param out     where to print
     * @return the exit status
     * @throws Exception if the example fails
     */
    public static int main(Options options, PrintStream out) throws Exception {
        run(options.integer("clients"), options.integer("messages"), options.duration("every"), out);
        return 0;
    }
}
