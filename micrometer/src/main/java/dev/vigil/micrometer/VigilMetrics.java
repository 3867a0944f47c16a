package dev.vigil.micrometer;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionStats;
import dev.vigil.MetricsObserver;
import dev.vigil.ResumeFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Vigil's {@link MetricsObserver} bound to Micrometer. Give it to {@link ConnectionManager.Builder#metrics}; it
 * registers these meters, each with the tags given here (for example {@code manager=chat}):
 *
 * <table class="striped">
 *   <caption>Meters</caption>
 *   <thead><tr><th>Name</th><th>Type</th><th>Tags</th><th>What</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code vigil.connections.active}</td><td>gauge</td><td></td>
 *       <td>connections open now (past the handshake, not yet closed), server and client side</td></tr>
 *   <tr><td>{@code vigil.connections.opened}</td><td>counter</td><td></td><td>handshakes completed</td></tr>
 *   <tr><td>{@code vigil.connections.closed}</td><td>counter</td><td>{@code kind}</td>
 *       <td>connections that had opened and closed, by {@link CloseReason.Kind} ({@code kind=HEARTBEAT_TIMEOUT}
 *       counts dead peers)</td></tr>
 *   <tr><td>{@code vigil.handshakes.failed}</td><td>counter</td><td>{@code kind}</td>
 *       <td>connections that ended before their handshake completed</td></tr>
 *   <tr><td>{@code vigil.connections.refused}</td><td>counter</td><td></td>
 *       <td>connections a server refused by a limit or its filter, before they got a thread</td></tr>
 *   <tr><td>{@code vigil.frames.received}, {@code vigil.frames.sent}</td><td>counter</td><td></td>
 *       <td>frames, control frames included</td></tr>
 *   <tr><td>{@code vigil.bytes.received}, {@code vigil.bytes.sent}</td><td>counter (bytes)</td><td></td>
 *       <td>bytes read from and written to the sockets</td></tr>
 *   <tr><td>{@code vigil.messages.queued}</td><td>gauge</td><td></td>
 *       <td>messages accepted by {@code send} and not yet written, summed over the open connections (a consumer
 *       falling behind shows here first)</td></tr>
 *   <tr><td>{@code vigil.rtt}</td><td>timer</td><td></td>
 *       <td>round-trip times measured by heartbeats, one sample per PONG</td></tr>
 *   <tr><td>{@code vigil.sessions.resumed}</td><td>counter</td><td></td>
 *       <td>sessions resumed on a new connection (sessions only; both sides count their own)</td></tr>
 *   <tr><td>{@code vigil.sessions.replayed}</td><td>counter (frames)</td><td>{@code direction}</td>
 *       <td>DATA frames sent again after resumes: {@code direction=sent} by this side, {@code received} from the
 *       peer</td></tr>
 *   <tr><td>{@code vigil.sessions.resume.failed}</td><td>counter</td><td>{@code reason}</td>
 *       <td>resumes refused, by {@link ResumeFailure}</td></tr>
 *   <tr><td>{@code vigil.sessions.handed.back}</td><td>counter (messages)</td><td></td>
 *       <td>messages handed back to the application by refused resumes</td></tr>
 *   <tr><td>{@code vigil.messages.delivered}</td><td>counter (messages)</td><td></td>
 *       <td>messages the peer confirmed delivering (their {@code Delivery.delivered()} completed)</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>The names follow Micrometer's conventions (lower-case words separated by dots, base units; each registry
 * renders them its own way, {@code vigil_connections_closed_total} in Prometheus). Tags have few values: the
 * {@code kind} tag has one per {@link CloseReason.Kind}, and every counter of it exists from the start, at zero, so a
 * rate over it is defined before the first such close. Neither addresses nor connection ids become tags.
 *
 * <p>The RTT timer publishes no percentiles or histogram by itself: choose them for your registry with a
 * {@link io.micrometer.core.instrument.config.MeterFilter}, as for any Micrometer timer:
 *
 * <pre>{@code
 * registry.config().meterFilter(new MeterFilter() {
 *     public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
 *         return id.getName().equals("vigil.rtt")
 *                 ? DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build().merge(config) : config;
 *     }
 * });
 * VigilMetrics metrics = new VigilMetrics(registry, Tags.of("manager", "chat"));
 * ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.lines()).metrics(metrics).build();
 * }</pre>
 *
 * <p><b>Several managers.</b> One instance may serve several managers: its gauges then count the connections of all
 * of them. Two instances with the same tags in one registry share the counters and the timer (Micrometer returns the
 * meter already registered), but the gauges read only the first instance's connections: give each manager its own
 * tags (such as {@code manager}) or share one instance.
 *
 * <p>Thread-safe. The calls on Vigil's I/O path ({@link #received}, {@link #sent}, {@link #rtt}) only increment meters
 * looked up when this object was made; the gauges are computed when the registry samples them.
 */
public final class VigilMetrics implements MetricsObserver {
    private final Set<Connection<?>> open = ConcurrentHashMap.newKeySet();
    private final Counter opened;
    private final Map<CloseReason.Kind, Counter> closed = new EnumMap<>(CloseReason.Kind.class);
    private final Map<CloseReason.Kind, Counter> handshakeFailed = new EnumMap<>(CloseReason.Kind.class);
    private final Counter refused;
    private final Counter framesReceived;
    private final Counter framesSent;
    private final Counter bytesReceived;
    private final Counter bytesSent;
    private final Timer rtt;
    private final Counter resumed;
    private final Counter replayedSent;
    private final Counter replayedReceived;
    private final Map<ResumeFailure, Counter> resumeFailed = new EnumMap<>(ResumeFailure.class);
    private final Counter handedBack;
    private final Counter delivered;

    /**
     * Registers the meters with no tags of their own.
     *
     * @param registry where the meters go
     */
    public VigilMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Registers the meters, each with these tags.
     *
     * @param registry where the meters go
     * @param tags     tags for every meter, such as {@code manager=chat}
     */
    public VigilMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        Tags common = Tags.of(tags);
        Gauge.builder("vigil.connections.active", open, Set::size)
                .description("Connections open now: past the handshake, not yet closed")
                .tags(common).register(registry);
        Gauge.builder("vigil.messages.queued", open, VigilMetrics::queued)
                .description("Messages accepted by send and not yet written, over the open connections")
                .baseUnit("messages").tags(common).register(registry);
        opened = Counter.builder("vigil.connections.opened").description("Handshakes completed")
                .tags(common).register(registry);
        for (CloseReason.Kind kind : CloseReason.Kind.values()) {
            closed.put(kind, Counter.builder("vigil.connections.closed")
                    .description("Connections that had opened and closed, by the kind of their close reason")
                    .tags(common).tag("kind", kind.name()).register(registry));
            handshakeFailed.put(kind, Counter.builder("vigil.handshakes.failed")
                    .description("Connections that ended before their handshake completed, by kind")
                    .tags(common).tag("kind", kind.name()).register(registry));
        }
        refused = Counter.builder("vigil.connections.refused")
                .description("Connections refused by a server's limits or filter before they got a thread")
                .tags(common).register(registry);
        framesReceived = Counter.builder("vigil.frames.received").description("Frames read, control frames included")
                .baseUnit("frames").tags(common).register(registry);
        framesSent = Counter.builder("vigil.frames.sent").description("Frames written, control frames included")
                .baseUnit("frames").tags(common).register(registry);
        bytesReceived = Counter.builder("vigil.bytes.received").description("Bytes read from the sockets")
                .baseUnit("bytes").tags(common).register(registry);
        bytesSent = Counter.builder("vigil.bytes.sent").description("Bytes written to the sockets")
                .baseUnit("bytes").tags(common).register(registry);
        rtt = Timer.builder("vigil.rtt").description("Round-trip times measured by heartbeats (PING to PONG)")
                .tags(common).register(registry);
        resumed = Counter.builder("vigil.sessions.resumed").description("Sessions resumed on a new connection")
                .tags(common).register(registry);
        replayedSent = Counter.builder("vigil.sessions.replayed").description("DATA frames sent again after resumes")
                .baseUnit("frames").tags(common).tag("direction", "sent").register(registry);
        replayedReceived = Counter.builder("vigil.sessions.replayed")
                .description("DATA frames sent again after resumes").baseUnit("frames").tags(common)
                .tag("direction", "received").register(registry);
        for (ResumeFailure reason : ResumeFailure.values()) {
            resumeFailed.put(reason, Counter.builder("vigil.sessions.resume.failed")
                    .description("Resumes refused, by reason").tags(common).tag("reason", reason.name())
                    .register(registry));
        }
        handedBack = Counter.builder("vigil.sessions.handed.back")
                .description("Messages handed back to the application by refused resumes").baseUnit("messages")
                .tags(common).register(registry);
        delivered = Counter.builder("vigil.messages.delivered")
                .description("Messages the peer confirmed delivering").baseUnit("messages").tags(common)
                .register(registry);
    }

    private static double queued(Set<Connection<?>> open) {
        long sum = 0;
        for (Connection<?> connection : open) {
            ConnectionStats stats = connection.stats();
            sum += stats.queuedMessages();
        }
        return sum;
    }

    @Override
    public void opened(Connection<?> connection) {
        open.add(connection);
        opened.increment();
    }

    @Override
    public void closed(Connection<?> connection, CloseReason reason) {
        open.remove(connection);
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
        framesReceived.increment(frames);
        bytesReceived.increment(bytes);
    }

    @Override
    public void sent(Connection<?> connection, int frames, int bytes) {
        framesSent.increment(frames);
        bytesSent.increment(bytes);
    }

    @Override
    public void rtt(Connection<?> connection, Duration rtt) {
        this.rtt.record(rtt);
    }

    @Override
    public void sessionResumed(Connection<?> connection, long replayedToPeer, long replayedFromPeer) {
        resumed.increment();
        replayedSent.increment(replayedToPeer);
        replayedReceived.increment(replayedFromPeer);
    }

    @Override
    public void sessionResumeFailed(Connection<?> connection, ResumeFailure reason, int handedBack) {
        resumeFailed.get(reason).increment();
        this.handedBack.increment(handedBack);
    }

    @Override
    public void deliveryConfirmed(Connection<?> connection, int messages) {
        delivered.increment(messages);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "VigilMetrics[%d open]", open.size());
    }
}
