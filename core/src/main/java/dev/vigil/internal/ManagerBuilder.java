package dev.vigil.internal;

import dev.vigil.BackpressurePolicy;
import dev.vigil.ConnectionFilter;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.Limits;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.SessionPolicy;
import dev.vigil.cluster.Backplane;
import dev.vigil.cluster.Presence;
import dev.vigil.internal.presence.PresenceHooks;
import org.jetbrains.annotations.Nullable;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The {@link ConnectionManager.Builder} behind {@link ConnectionManager#builder}: holds the settings, and on
 * {@link #build()} checks every one and reports all that are wrong at once.
 *
 * @param <M> the type of messages
 */
public final class ManagerBuilder<M> implements ConnectionManager.Builder<M> {
    private final MessageCodec<M> codec;
    private ConnectionListener<M> listener = new ConnectionListener<>() {
    };
    private HeartbeatPolicy heartbeat = HeartbeatPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(15));
    private Duration minPeerPingInterval = Duration.ofMillis(10);
    private int maxPingStrikes = 2;
    private int maxFrameSize = 1 << 20;
    private int maxQueuedMessages = 4096;
    private BackpressurePolicy backpressure = BackpressurePolicy.BLOCK;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private boolean tcpNoDelay = true;
    private Duration readSpin = Duration.ZERO;
    private int maxConnections = Integer.MAX_VALUE;
    private int maxConnectionsPerAddress = Integer.MAX_VALUE;
    private @Nullable ConnectionFilter connectionFilter;
    private @Nullable SSLContext tls;
    private MetricsObserver metrics = MetricsObserver.NONE;
    private @Nullable Presence presence;
    private @Nullable Backplane backplane;
    private @Nullable SessionPolicy sessions;
    private Limits limits = Limits.defaults();

    public ManagerBuilder(MessageCodec<M> codec) {
        this.codec = codec;
    }


    @Override
    public ConnectionManager.Builder<M> listener(ConnectionListener<M> listener) {
        this.listener = listener;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> heartbeat(HeartbeatPolicy heartbeat) {
        this.heartbeat = heartbeat;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> minPeerPingInterval(Duration minPeerPingInterval) {
        this.minPeerPingInterval = minPeerPingInterval;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> maxPingStrikes(int maxPingStrikes) {
        this.maxPingStrikes = maxPingStrikes;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> maxFrameSize(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> maxQueuedMessages(int maxQueuedMessages) {
        this.maxQueuedMessages = maxQueuedMessages;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> backpressure(BackpressurePolicy backpressure) {
        this.backpressure = backpressure;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> connectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> handshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> closeTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> shutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> tcpNoDelay(boolean tcpNoDelay) {
        this.tcpNoDelay = tcpNoDelay;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> readSpin(Duration readSpin) {
        this.readSpin = readSpin;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> maxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> maxConnectionsPerAddress(int maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> connectionFilter(@Nullable ConnectionFilter connectionFilter) {
        this.connectionFilter = connectionFilter;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> tls(@Nullable SSLContext tls) {
        this.tls = tls;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> metrics(MetricsObserver metrics) {
        this.metrics = metrics;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> presence(@Nullable Presence presence) {
        this.presence = presence;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> backplane(@Nullable Backplane backplane) {
        this.backplane = backplane;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> limits(Limits limits) {
        this.limits = limits;
        return this;
    }

    @Override
    public ConnectionManager.Builder<M> sessions(@Nullable SessionPolicy sessions) {
        this.sessions = sessions;
        return this;
    }

    @Override
    public ConnectionManager<M> build() {
        // Settings checks every value and reports all that are wrong at once; presence is the builder's own.
        Validation v = new Validation("ConnectionManager");
        v.check(presence == null || PresenceHooks.accepts(presence), "presence", presence,
                "one built by Presence.builder()");
        Managers.crossCheck(v, limits, maxFrameSize);
        v.throwIfAny();
        ConnectionListener<M> watched = presence == null ? listener : PresenceHooks.observe(presence, listener);
        ConnectionManager<M> manager = Managers.create(new Settings<>(codec, watched, heartbeat,
                minPeerPingInterval, maxPingStrikes, maxFrameSize, maxQueuedMessages, backpressure, connectTimeout,
                handshakeTimeout, closeTimeout, shutdownGrace, tcpNoDelay, readSpin, maxConnections,
                maxConnectionsPerAddress, connectionFilter, tls, metrics, sessions, Managers.guards(limits)));
        return backplane == null ? manager : PresenceHooks.clustered(manager, codec, backplane);
    }
}
