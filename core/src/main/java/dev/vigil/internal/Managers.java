package dev.vigil.internal;

import dev.vigil.internal.heartbeat.LivenessJudge;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.conn.HeartbeatJudge;

import java.util.function.DoubleSupplier;

/**
 * How the API and {@code vigil-testing} reach the machinery: {@link ConnectionManager.Builder#build()} creates a
 * manager here, and {@code EmbeddedConnection} takes a built manager's settings, HELLO and heartbeat judges.
 */
public final class Managers {
    private Managers() {
    }

    /** A manager with validated settings; starts no thread until it binds or connects. */
    public static <M> ConnectionManager<M> create(Settings<M> settings) {
        return new DefaultConnectionManager<>(settings, Ticker.SYSTEM);
    }

    /** The settings a manager was built with. */
    public static <M> Settings<M> settings(ConnectionManager<M> manager) {
        return asDefault(manager).settings();
    }

    /** The HELLO a manager's connections send. */
    public static byte[] hello(ConnectionManager<?> manager) {
        return asDefault(manager).hello().clone();
    }

    /** A manager's metrics observer, guarded so that a throwing observer never reaches a connection. */
    public static MetricsObserver metrics(Settings<?> settings) {
        return GuardedMetrics.of(settings.metrics());
    }

    /** A fresh heartbeat judge for one connection under {@code policy}, its jitter drawn from {@code random}. */
    public static HeartbeatJudge judge(HeartbeatPolicy policy, DoubleSupplier random) {
        return new LivenessJudge(policy, random, LivenessJudge.IntervalRaised.IGNORE);
    }

    private static <M> DefaultConnectionManager<M> asDefault(ConnectionManager<M> manager) {
        if (manager instanceof DefaultConnectionManager<M> m) {
            return m;
        }
        throw new IllegalArgumentException("not a manager from ConnectionManager.builder(): " + manager);
    }
}
