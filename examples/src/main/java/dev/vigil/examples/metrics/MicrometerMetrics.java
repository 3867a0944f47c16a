package dev.vigil.examples.metrics;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.MetricsObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Vigil's {@link MetricsObserver} bound to Micrometer, as a user would write it: counters for opens, closes by reason
 * (heartbeat timeouts among them), failed handshakes, refusals, frames and bytes each way; a timer of heartbeat RTTs
 * with percentiles; gauges of open connections and queued messages read from the manager when sampled.
 *
 * <pre>{@code
 * MicrometerMetrics metrics = new MicrometerMetrics(registry, "chat");
 * ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.lines()).metrics(metrics).build();
 * metrics.bindGauges(server);
 * }</pre>
 *
 * <p>Every method is called on Vigil's connection threads, concurrently: Micrometer's meters are thread-safe, and the
 * meters are looked up once here, so the hot calls ({@link #received}, {@link #sent}) only increment.
 */
public final class MicrometerMetrics implements MetricsObserver {
    private final MeterRegistry registry;
    private final String name;
    private final Counter opened;
    private final Map<CloseReason.Kind, Counter> closed = new EnumMap<>(CloseReason.Kind.class);
    private final Map<CloseReason.Kind, Counter> handshakeFailed = new EnumMap<>(CloseReason.Kind.class);
    private final Counter refused;
    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Timer rtt;

    /**
     * Registers the meters.
     *
     * @param registry where the meters go
     * @param name     the manager's name, a tag on every meter ({@code manager=name})
     */
    public MicrometerMetrics(MeterRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
        this.opened = Counter.builder("vigil.connections.opened").tag("manager", name).register(registry);
        for (CloseReason.Kind kind : CloseReason.Kind.values()) {
            closed.put(kind, Counter.builder("vigil.connections.closed").tag("manager", name)
                    .tag("reason", kind.name()).register(registry));
            handshakeFailed.put(kind, Counter.builder("vigil.handshakes.failed").tag("manager", name)
                    .tag("reason", kind.name()).register(registry));
        }
        this.refused = Counter.builder("vigil.connections.refused").tag("manager", name).register(registry);
        this.framesIn = Counter.builder("vigil.frames").tag("manager", name).tag("direction", "in")
                .register(registry);
        this.framesOut = Counter.builder("vigil.frames").tag("manager", name).tag("direction", "out")
                .register(registry);
        this.bytesIn = Counter.builder("vigil.bytes").tag("manager", name).tag("direction", "in")
                .baseUnit("bytes").register(registry);
        this.bytesOut = Counter.builder("vigil.bytes").tag("manager", name).tag("direction", "out")
                .baseUnit("bytes").register(registry);
        this.rtt = Timer.builder("vigil.heartbeat.rtt").tag("manager", name)
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /**
     * Adds gauges read from the manager when the registry samples them: open connections, and messages queued on
     * all of them (a consumer falling behind shows here first).
     *
     * @param manager the manager these metrics observe
     */
    public void bindGauges(ConnectionManager<?> manager) {
        Gauge.builder("vigil.connections.open", manager, m -> m.connections().size())
                .tag("manager", name).register(registry);
        Gauge.builder("vigil.queue.depth", manager,
                        m -> m.connections().stream().mapToInt(c -> c.stats().queuedMessages()).sum())
                .tag("manager", name).register(registry);
    }

    @Override
    public void opened(Connection<?> connection) {
        opened.increment();
    }

    @Override
    public void closed(Connection<?> connection, CloseReason reason) {
        closed.get(reason.kind()).increment();
    }

    @Override
    public void handshakeFailed(InetSocketAddress remote, CloseReason reason) {
        handshakeFailed.get(reason.kind()).increment();
    }

    @Override
    public void refused(InetSocketAddress remote, String reason) {
        refused.increment();
    }

    @Override
    public void received(Connection<?> connection, int frames, int bytes) {
        framesIn.increment(frames);
        bytesIn.increment(bytes);
    }

    @Override
    public void sent(Connection<?> connection, int frames, int bytes) {
        framesOut.increment(frames);
        bytesOut.increment(bytes);
    }

    @Override
    public void rtt(Connection<?> connection, Duration rtt) {
        this.rtt.record(rtt);
    }
}
