package dev.vigil.examples.health;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.RttStats;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A client-side load balancer that keeps one Vigil connection to each backend and sends requests only to the
 * healthy ones. Health comes from the connection itself, with no separate health-check endpoint:
 * <ul>
 *   <li>{@link Status#DOWN}: the connection closed, for instance {@link CloseReason.Kind#HEARTBEAT_TIMEOUT} when the
 *       backend stopped answering PINGs altogether.</li>
 *   <li>{@link Status#SUSPECT}: Vigil reports the connection {@link ConnectionState#SUSPECT}, silent past the
 *       policy's suspect point. Not dead yet, but no new request should wait on it.</li>
 *   <li>{@link Status#SLOW}: the connection is fine but its smoothed RTT ({@link RttStats#smoothed()}, measured by
 *       Vigil's PING/PONG as TCP measures SRTT) is above a threshold. This catches a backend going bad
 *       <em>before</em> any timeout: a congested link or an overloaded host answers late long before it stops
 *       answering.</li>
 * </ul>
 * Note that Vigil PINGs only a connection that has been quiet for the policy's interval, so RTT is sampled in the
 * gaps between requests; under constant traffic, measure your requests' latency as well.
 *
 * <p>Each backend's connection has a listener of its own ({@link ConnectionManager#connect(InetSocketAddress,
 * ConnectionListener)}) that knows its {@link Backend}: no attachment, no cast, no lookup.
 */
final class HealthChecker implements AutoCloseable {

    /** Where a backend stands, worst last. */
    enum Status { HEALTHY, SLOW, SUSPECT, DOWN }

    /** One backend: its connection and what the checker thinks of it. */
    static final class Backend {
        final String name;
        volatile @Nullable Connection<String> connection;
        volatile Status status = Status.HEALTHY;

        Backend(String name) {
            this.name = name;
        }

        RttStats rtt() {
            Connection<String> c = connection;
            return c == null ? RttStats.NONE : c.rtt();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A backend changed status.
     *
     * @param backend which
     * @param from    the status it left
     * @param to      the status it entered
     * @param rtt     its smoothed RTT at that moment
     * @param reason  for {@link Status#DOWN}: why the connection closed
     */
    record Change(Backend backend, Status from, Status to, Duration rtt, @Nullable CloseReason reason) {
    }

    private final ConnectionManager<String> manager;
    private final List<Backend> backends = new CopyOnWriteArrayList<>();
    private final Duration slowRtt;
    private final Consumer<Change> changes;
    private final BiConsumer<Backend, String> responses;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param policy    the checker's heartbeat policy: how fast a dead backend is found
     * @param slowRtt   smoothed RTT above which a backend counts as slow
     * @param changes   told of every status change (from whichever thread noticed it)
     * @param responses given every response, with the backend it came from
     */
    HealthChecker(HeartbeatPolicy policy, Duration slowRtt, Consumer<Change> changes,
                  BiConsumer<Backend, String> responses) {
        this.slowRtt = slowRtt;
        this.changes = changes;
        this.responses = responses;
        this.manager = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(policy)
                .shutdownGrace(Duration.ofMillis(500))
                .build();
    }

    /** Connects to a backend and adds it to the pool. */
    Backend add(String name, InetSocketAddress address) throws IOException {
        Backend b = new Backend(name);
        manager.connect(address, new ConnectionListener<>() {
            @Override
            public void onOpen(Connection<String> c) {
                b.connection = c; // the first call, before connect returns and before any other for this connection
            }

            @Override
            public void onMessage(Connection<String> c, String response) {
                responses.accept(b, response);
            }

            @Override
            public void onStateChange(Connection<String> c, ConnectionState from, ConnectionState to) {
                evaluate(b, null); // take a SUSPECT backend out at once, not at the next periodic check
            }

            @Override
            public void onClose(Connection<String> c, CloseReason reason) {
                evaluate(b, reason);
            }
        });
        backends.add(b);
        return b;
    }

    /** {@return the next healthy backend, round robin, or {@code null} if none is healthy} */
    @Nullable Backend pick() {
        List<Backend> pool = pool();
        return pool.isEmpty() ? null : pool.get(Math.floorMod(next.getAndIncrement(), pool.size()));
    }

    /** {@return the backends that may get requests now} */
    List<Backend> pool() {
        return backends.stream().filter(b -> b.status == Status.HEALTHY).toList();
    }

    /** {@return every backend, in the order added} */
    List<Backend> backends() {
        return List.copyOf(backends);
    }

    /** Re-judges every backend; called periodically (RTT changes with every PONG) and on Vigil's events. */
    void evaluate() {
        for (Backend b : backends) {
            evaluate(b, null);
        }
    }

    private synchronized void evaluate(Backend b, @Nullable CloseReason reason) {
        Connection<String> c = b.connection;
        RttStats rtt = b.rtt();
        Status now;
        if (c == null || !c.state().isOpen()) {
            now = Status.DOWN;
        } else if (c.state() == ConnectionState.SUSPECT) {
            now = Status.SUSPECT;
        } else if (rtt.samples() > 0 && rtt.smoothed().compareTo(
                b.status == Status.SLOW ? slowRtt.dividedBy(2) : slowRtt) > 0) {
            now = Status.SLOW; // back to HEALTHY only below half the threshold, so it does not flap
        } else {
            now = Status.HEALTHY;
        }
        Status was = b.status;
        if (now != was && was != Status.DOWN) { // DOWN is final: a new connection would be a new Backend
            b.status = now;
            changes.accept(new Change(b, was, now, rtt.smoothed(), reason != null ? reason
                    : c == null ? null : c.closeReason()));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
