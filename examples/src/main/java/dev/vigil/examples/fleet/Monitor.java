package dev.vigil.examples.fleet;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;
import dev.vigil.ConnectionStats;
import dev.vigil.HeartbeatTimeoutException;
import org.jetbrains.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The fleet monitor: the server side of every sensor's connection. It knows nothing of the simulation; it only sees
 * what a real monitor sees, and says so through {@link Event}s.
 *
 * <p>It learns of a failure in two ways, and the difference is the point of the demo:
 * <ul>
 *   <li><b>Vigil tells it</b> ({@link #onClose}): a sensor that closed (a CLOSE frame, reported at once), or that went
 *       silent altogether, power cut, cable pulled, so that no PING was answered within the heartbeat policy
 *       ({@link CloseReason.Kind#HEARTBEAT_TIMEOUT}).</li>
 *   <li><b>Its own staleness rule</b> ({@link #scan}): a sensor whose firmware hung still has a working TCP stack and
 *       a working Vigil reader, so it answers every PING and its connection stays ACTIVE. <em>Heartbeats prove the
 *       link and the peer's process are alive, not that the application is doing its job.</em> Only an application
 *       rule, here "no reading for {@code staleAfter}", catches it.</li>
 * </ul>
 *
 * <p>Threading: Vigil calls the listener methods on each connection's own virtual thread, concurrently for different
 * connections, so everything shared here is concurrent or guarded by the sensor's {@link Tracked} lock.
 */
final class Monitor implements ConnectionListener<Reading> {

    /** What the monitor noticed. */
    enum Type { ONLINE, BACK_ONLINE, SUSPECT, RECOVERED, CLOSED, STALE, RESUMED }

    /**
     * Something the monitor noticed about a sensor.
     *
     * @param atNanos when ({@link System#nanoTime()})
     * @param sensor  which sensor
     * @param type    what
     * @param reason  for {@link Type#CLOSED}: why Vigil closed the connection
     * @param silence for {@link Type#CLOSED}: how long nothing at all had arrived from the sensor; for
     *                {@link Type#STALE}: how long no reading had
     * @param rtt     the connection's smoothed heartbeat RTT at that moment
     * @param localStall for a heartbeat timeout: how much of the silence this JVM itself was measurably stalled
     *                (Vigil did not count it against the sensor); zero otherwise
     */
    record Event(long atNanos, int sensor, Type type, @Nullable CloseReason reason, Duration silence, Duration rtt,
                 Duration localStall) {
        Event(long atNanos, int sensor, Type type, @Nullable CloseReason reason, Duration silence, Duration rtt) {
            this(atNanos, sensor, type, reason, silence, rtt, Duration.ZERO);
        }
    }

    /** The monitor's view of one sensor, which outlives its connections. */
    private static final class Tracked {
        final int id;
        @Nullable Connection<Reading> connection;
        long lastReadingNanos;
        boolean stale;
        boolean offline;

        Tracked(int id) {
            this.id = id;
        }
    }

    /** Counts for the status line. */
    record Snapshot(int online, int suspect, int hung, int offline) {
    }

    private final Map<Integer, Tracked> sensors = new ConcurrentHashMap<>();
    private final LongAdder readings = new LongAdder();
    private final Duration staleAfter;
    private final Consumer<Event> events;
    private volatile boolean ending;

    Monitor(Duration staleAfter, Consumer<Event> events) {
        this.staleAfter = staleAfter;
        this.events = events;
    }

    @Override
    public void onMessage(Connection<Reading> connection, Reading reading) {
        readings.increment();
        long now = System.nanoTime();
        Tracked t = connection.attachment(Tracked.class);
        if (t == null) {
            // The first reading on a connection says which sensor it is. A real fleet would authenticate here.
            t = sensors.computeIfAbsent(reading.sensor(), Tracked::new);
            connection.attach(t);
        }
        Type type = null;
        synchronized (t) {
            if (t.connection != connection) {
                type = t.connection == null ? Type.ONLINE : Type.BACK_ONLINE;
                t.connection = connection;
                t.offline = false;
            } else if (t.stale) {
                type = Type.RESUMED;
            }
            t.stale = false;
            t.lastReadingNanos = now;
        }
        if (type != null) {
            emit(new Event(now, t.id, type, null, Duration.ZERO, connection.rtt().smoothed()));
        }
    }

    @Override
    public void onStateChange(Connection<Reading> connection, ConnectionState from, ConnectionState to) {
        // ACTIVE -> SUSPECT: the sensor has been quiet past the policy's suspect point; not dead yet. Any byte from it
        // moves the connection back to ACTIVE. A dashboard would grey the sensor out here.
        if (connection.attachment() instanceof Tracked t) {
            emit(new Event(System.nanoTime(), t.id, to == ConnectionState.SUSPECT ? Type.SUSPECT : Type.RECOVERED,
                    null, Duration.ZERO, connection.rtt().smoothed()));
        }
    }

    @Override
    public void onClose(Connection<Reading> connection, CloseReason reason) {
        long now = System.nanoTime();
        if (!(connection.attachment() instanceof Tracked t)) {
            return; // closed before its first reading: not a sensor we knew
        }
        synchronized (t) {
            if (t.connection != connection) {
                return; // an old connection of a sensor that has reconnected since
            }
            t.offline = true;
        }
        // How long the sensor had been silent. A heartbeat timeout carries Vigil's own numbers, taken when it gave
        // its verdict: the silence, and the part of it that was our own stall (a GC pause, a stopped or starved JVM),
        // which it did not hold against the sensor, so the verdict came that much later. Otherwise: since the last
        // frame, by the wall clock.
        Duration silence;
        Duration stall = Duration.ZERO;
        if (reason.cause() instanceof HeartbeatTimeoutException timeout) {
            silence = timeout.silence();
            stall = timeout.localStall();
        } else {
            ConnectionStats stats = connection.stats();
            silence = stats.lastFrameReceived() == null ? Duration.ZERO
                    : Duration.between(stats.lastFrameReceived(), Instant.now());
        }
        emit(new Event(now, t.id, Type.CLOSED, reason, silence, connection.rtt().smoothed(), stall));
    }

    /** Applies the staleness rule: an open connection with no reading for {@code staleAfter} is a hung sensor. */
    void scan() {
        long now = System.nanoTime();
        for (Tracked t : sensors.values()) {
            Connection<Reading> c;
            long silent;
            synchronized (t) {
                c = t.connection;
                silent = now - t.lastReadingNanos;
                if (c == null || t.offline || t.stale || silent < staleAfter.toNanos()) {
                    continue;
                }
                t.stale = true;
            }
            emit(new Event(now, t.id, Type.STALE, null, Duration.ofNanos(silent), c.rtt().smoothed()));
        }
    }

    /** {@return how many sensors are in each condition now} */
    Snapshot snapshot() {
        int online = 0;
        int suspect = 0;
        int hung = 0;
        int offline = 0;
        for (Tracked t : sensors.values()) {
            synchronized (t) {
                if (t.offline || t.connection == null) {
                    offline++;
                } else if (t.connection.state() == ConnectionState.SUSPECT) {
                    suspect++;
                } else if (t.stale) {
                    hung++;
                } else {
                    online++;
                }
            }
        }
        return new Snapshot(online, suspect, hung, offline);
    }

    /** {@return how many readings have arrived so far} */
    long readings() {
        return readings.sum();
    }

    /** From now on the run is ending: connections closing now are the shutdown, not failures. */
    void ending() {
        ending = true;
    }

    private void emit(Event event) {
        if (!ending) {
            events.accept(event);
        }
    }
}
