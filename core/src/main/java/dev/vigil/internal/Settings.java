package dev.vigil.internal;

import dev.vigil.BackpressurePolicy;
import dev.vigil.ConnectionFilter;
import dev.vigil.ConnectionListener;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.conn.ManagerGuards;
import dev.vigil.MessageCodec;

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
                          Duration closeTimeout, Duration shutdownGrace, boolean tcpNoDelay, int maxConnections,
                          int maxConnectionsPerAddress, @Nullable ConnectionFilter connectionFilter,
                          @Nullable SSLContext tls, MetricsObserver metrics, ManagerGuards guards) {
}
