package dev.vigil.internal;

import dev.vigil.internal.heartbeat.LivenessJudge;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.Limits;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.conn.HeartbeatJudge;
import dev.vigil.internal.conn.ManagerGuards;
import dev.vigil.internal.wire.Wire;
import org.jetbrains.annotations.Nullable;

import java.time.Duration;
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

    /** Makes every client connection of {@code manager} carry one reconnecting client's session. */
    static <M> void shareSessions(ConnectionManager<M> manager, dev.vigil.internal.conn.SessionSends.Shared<M> shared) {
        asDefault(manager).shareSessions(shared);
    }

    /** The state a manager's connections share in their defence against hostile peers, under {@code limits}. */
    public static ManagerGuards guards(Limits limits) {
        return new ManagerGuards(limits);
    }

    /**
     * Checks the limits against the maximum frame size, so an honest frame of the maximum size is never refused (the
     * other settings are checked by {@link Settings}).
     */
    public static void crossCheck(Validation v, @Nullable Limits limits, int maxFrameSize) {
        if (!v.notNull("limits", limits)) {
            return;
        }
        long frame = (long) maxFrameSize + Wire.HEADER;
        v.check(limits.partialFrameBudget() >= frame, "limits.partialFrameBudget", limits.partialFrameBudget(),
                "at least maxFrameSize + 5 = " + frame + ", or one honest frame of the maximum size would not fit");
        if (limits.rateAction() == Limits.RateAction.CLOSE && !limits.byteRate().isOff()) {
            v.check(limits.byteRate().burst() >= frame, "limits.byteRate.burst", limits.byteRate().burst(),
                    "at least maxFrameSize + 5 = " + frame + " under RateAction.CLOSE, or one honest frame of the "
                            + "maximum size would close its connection");
        }
    }

    private static <M> DefaultConnectionManager<M> asDefault(ConnectionManager<M> manager) {
        if (manager instanceof DefaultConnectionManager<M> m) {
            return m;
        }
        throw new IllegalArgumentException("not a manager from ConnectionManager.builder(): " + manager);
    }
}
