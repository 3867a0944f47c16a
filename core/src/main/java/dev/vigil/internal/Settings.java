package dev.vigil.internal;

import dev.vigil.BackpressurePolicy;
import dev.vigil.ConnectionFilter;
import dev.vigil.ConnectionListener;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MetricsObserver;
import dev.vigil.MessageCodec;
import dev.vigil.SessionPolicy;
import dev.vigil.internal.conn.ManagerGuards;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.jetbrains.annotations.Nullable;

/**
 * A manager's validated settings; see {@link dev.vigil.ConnectionManager.Builder} for what each means.
 *
 * @param <M> the type of messages
 */
public record Settings<M>(MessageCodec<M> codec, ConnectionListener<M> listener, HeartbeatPolicy heartbeat,
                          Duration minPeerPingInterval, int maxPingStrikes, int maxFrameSize, int maxQueuedMessages,
                          BackpressurePolicy backpressure, Duration connectTimeout, Duration handshakeTimeout,
                          Duration closeTimeout, Duration shutdownGrace, boolean tcpNoDelay, Duration readSpin,
                          int maxConnections, int maxConnectionsPerAddress, @Nullable ConnectionFilter connectionFilter,
                          @Nullable SSLContext tls, MetricsObserver metrics,
                          @Nullable SessionPolicy sessions, ManagerGuards guards) {
    /** The longest {@code readSpin}: past it a parked reader's wake-up (tens of microseconds) no longer matters. */
    public static final Duration MAX_READ_SPIN = Duration.ofMillis(10);

    /**
     * Checks every setting at once.
     *
     * @throws IllegalArgumentException listing every setting that is out of range
     */
    public Settings {
        Validation v = new Validation("ConnectionManager");
        v.notNull("codec", codec);
        v.notNull("listener", listener);
        v.notNull("heartbeat", heartbeat);
        v.notNull("backpressure", backpressure);
        v.notNull("metrics", metrics);
        v.notNull("guards", guards);
        v.notNegative("minPeerPingInterval", minPeerPingInterval);
        v.check(maxPingStrikes >= 0, "maxPingStrikes", maxPingStrikes, "zero or more");
        v.check(maxFrameSize >= 64 && maxFrameSize <= 1 << 30, "maxFrameSize", maxFrameSize, "64 to 1073741824");
        v.check(maxQueuedMessages >= 1 && maxQueuedMessages <= 1 << 24, "maxQueuedMessages", maxQueuedMessages,
                "1 to 16777216");
        v.positive("connectTimeout", connectTimeout);
        v.positive("handshakeTimeout", handshakeTimeout);
        v.positive("closeTimeout", closeTimeout);
        v.notNegative("shutdownGrace", shutdownGrace);
        if (v.notNull("readSpin", readSpin)) {
            v.check(!readSpin.isNegative() && readSpin.compareTo(MAX_READ_SPIN) <= 0, "readSpin", readSpin,
                    "zero (off) to " + MAX_READ_SPIN);
        }
        v.check(maxConnections >= 1, "maxConnections", maxConnections, "at least 1");
        v.check(maxConnectionsPerAddress >= 1, "maxConnectionsPerAddress", maxConnectionsPerAddress,
                "at least 1");
        if (heartbeat != null && minPeerPingInterval != null && heartbeat.interval().isPositive()) {
            v.check(heartbeat.interval().compareTo(minPeerPingInterval) >= 0, "heartbeat.interval",
                    heartbeat.interval(), "at least minPeerPingInterval " + minPeerPingInterval
                            + ", or this side would refuse its own kind of peer");
        }
        v.check(sessions == null || codec == null || codec.framing() != MessageCodec.Framing.LINES, "sessions",
                sessions, "a binary codec (the line format has no frames to count)");
        v.throwIfAny();
    }
}
