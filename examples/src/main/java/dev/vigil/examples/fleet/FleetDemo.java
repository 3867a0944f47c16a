package dev.vigil.examples.fleet;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.examples.fleet.FleetReport.Failure;
import dev.vigil.examples.fleet.FleetReport.Mode;
import dev.vigil.testing.FaultProxy;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The IoT fleet demo: a {@link Monitor} server and a fleet of simulated sensors in one process, each sensor a Vigil
 * client connection sending {@link Reading}s. While it runs, sensors fail the ways real ones do, and at the end a
 * {@link FleetReport} tells how long the monitor took to notice each failure, against the policy.
 *
 * <p>The sensors share one client {@link ConnectionManager} (one manager can hold thousands of connections, each on
 * its own virtual thread); the monitor is another manager, bound to a free loopback port. Sensors that will lose power
 * reach the monitor through a {@link FaultProxy}, because a process cannot make its own socket vanish without a
 * FIN: cutting the power is simulated by the proxy swallowing every byte while keeping both sockets open.
 */
public final class FleetDemo {

    /** One simulated sensor: a loop on a virtual thread that sends a reading every so often while it is "working". */
    private static final class Sensor {
        final int id;
        final @Nullable FaultProxy proxy;
        volatile @Nullable Connection<Reading> connection;
        volatile boolean sending = true;
        int seq;

        Sensor(int id, @Nullable FaultProxy proxy) {
            this.id = id;
            this.proxy = proxy;
        }
    }

    /** A failure the chaos thread will inject: what, to whom, when, and when (if ever) the sensor comes back. */
    private record Plan(int sensor, Mode mode, long atNanos, long backAtNanos) {
    }

    private final FleetOptions o;
    private final PrintStream out;
    private final long t0 = System.nanoTime();
    private final ConcurrentLinkedQueue<Monitor.Event> events = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Plan> plans = new ConcurrentHashMap<>(); // read by Vigil's threads
    private volatile boolean stopping;

    private FleetDemo(FleetOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    /**
     * Runs the demo to its end and returns the report (also printed to {@code out}, with the live status lines).
     *
     * @throws IOException if the monitor cannot bind a port
     */
    public static FleetReport run(FleetOptions options, PrintStream out) throws IOException, InterruptedException {
        return new FleetDemo(options, out).run();
    }

    private FleetReport run() throws IOException, InterruptedException {
        Monitor monitor = new Monitor(o.staleAfter(), this::noticed);
        HeartbeatPolicy policy = o.heartbeatPolicy();
        ConnectionManager<Reading> server = ConnectionManager.builder(Reading.CODEC)
                .listener(monitor)
                .heartbeat(policy)
                .closeTimeout(Duration.ofSeconds(1))
                .shutdownGrace(Duration.ofSeconds(2))
                .build();
        // The sensors' side runs the same policy: each side judges what it hears, so a sensor would also notice a dead
        // monitor. Sensors here do not reconnect on their own; the chaos thread decides when one comes back.
        ConnectionManager<Reading> devices = ConnectionManager.builder(Reading.CODEC)
                .heartbeat(policy)
                .closeTimeout(Duration.ofSeconds(1))
                .shutdownGrace(Duration.ofSeconds(2))
                .build();
        List<FaultProxy> proxies = new ArrayList<>();
        try {
            InetSocketAddress address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<Plan> schedule = plan();
            out.printf("Vigil fleet demo: %d sensors -> monitor on %s for %s%n", o.sensors(), address,
                    FleetReport.secs(o.duration()));
            out.printf("  heartbeat %s%n  failures to come: %d hang, %d lose power, %d close cleanly; %d come back%n",
                    describe(policy), o.hang(), o.power(), o.clean(), o.comeBack());

            List<Sensor> sensors = new ArrayList<>();
            for (int i = 0; i < o.sensors(); i++) {
                Plan p = plans.get(i);
                FaultProxy proxy = null;
                if (p != null && p.mode() == Mode.POWER_LOSS) {
                    proxy = FaultProxy.start(address);
                    proxies.add(proxy);
                }
                sensors.add(new Sensor(i, proxy));
            }
            long spread = Math.min(Duration.ofSeconds(2).toNanos(), o.duration().toNanos() / 10);
            for (Sensor s : sensors) {
                long startAt = t0 + spread * s.id / o.sensors();
                Thread.ofVirtual().name("sensor-" + s.id).start(() -> sensorLoop(s, devices, address, startAt));
            }
            Thread chaos = Thread.ofVirtual().name("chaos").start(() -> chaos(schedule, sensors, devices, address));

            // The monitor's own loop: apply the staleness rule often, print the status line once a second.
            long end = t0 + o.duration().toNanos();
            long nextStatus = t0 + 1_000_000_000L;
            long lastReadings = 0;
            while (System.nanoTime() < end) {
                sleepUntil(Math.min(end, System.nanoTime() + 100_000_000L));
                monitor.scan();
                if (System.nanoTime() >= nextStatus) {
                    long readings = monitor.readings();
                    status(monitor.snapshot(), readings - lastReadings, server);
                    lastReadings = readings;
                    nextStatus += 1_000_000_000L;
                }
            }
            Duration[] rtt = rttPercentiles(server);
            monitor.ending();
            stopping = true;
            chaos.interrupt();
            devices.shutdown(Duration.ofSeconds(2));
            server.shutdown(Duration.ofSeconds(1));
            FleetReport report = report(schedule, policy, monitor.readings(), rtt);
            out.print(report.render());
            return report;
        } finally {
            stopping = true;
            devices.shutdown(Duration.ZERO);
            server.shutdown(Duration.ZERO);
            proxies.forEach(FaultProxy::close);
        }
    }

    /** Picks which sensors fail, how and when, reproducibly from the seed. */
    private List<Plan> plan() {
        Random random = new Random(o.seed());
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < o.sensors(); i++) {
            ids.add(i);
        }
        Collections.shuffle(ids, random);
        List<Mode> modes = new ArrayList<>();
        // Interleave the kinds, so "come back" is spread over all of them.
        for (int i = 0; i < Math.max(o.power(), Math.max(o.hang(), o.clean())); i++) {
            if (i < o.power()) {
                modes.add(Mode.POWER_LOSS);
            }
            if (i < o.hang()) {
                modes.add(Mode.HANG);
            }
            if (i < o.clean()) {
                modes.add(Mode.CLEAN_CLOSE);
            }
        }
        long run = o.duration().toNanos();
        long spread = Math.min(Duration.ofSeconds(2).toNanos(), run / 10);
        // Long enough for the slower of the two ways of noticing, plus a little.
        long detect = Math.max(o.heartbeatTimeout().toNanos(), o.staleAfter().toNanos()) + 1_000_000_000L;
        long from = Math.max(spread + 1_000_000_000L, run / 4);
        long to = Math.max(from, Math.min(run * 70 / 100, run - detect - 500_000_000L));
        List<Plan> schedule = new ArrayList<>();
        for (int i = 0; i < modes.size(); i++) {
            long at = from + (long) (random.nextDouble() * (to - from));
            long back = -1;
            if (i < o.comeBack()) {
                back = Math.min(at + detect + (long) (random.nextDouble() * 2e9), run - 750_000_000L);
            }
            Plan p = new Plan(ids.get(i), modes.get(i), t0 + at, back < 0 ? -1 : t0 + back);
            schedule.add(p);
            plans.put(p.sensor(), p);
        }
        schedule.sort(Comparator.comparingLong(Plan::atNanos));
        return schedule;
    }

    private void sensorLoop(Sensor s, ConnectionManager<Reading> devices, InetSocketAddress monitor, long startAt) {
        Random random = new Random(o.seed() * 31 + s.id);
        try {
            sleepUntil(startAt);
            connect(s, devices, s.proxy != null ? s.proxy.address() : monitor);
            long period = o.readingEvery().toNanos();
            while (!stopping) {
                Connection<Reading> c = s.connection;
                if (s.sending && c != null) {
                    float celsius = 20f + (float) Math.sin(s.seq / 10.0 + s.id) * 5f + random.nextFloat();
                    c.send(new Reading(s.id, s.seq++, celsius)); // fire and forget: a lost reading is no drama
                }
                sleepUntil(System.nanoTime() + period * (90 + random.nextInt(21)) / 100); // +-10% jitter
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void connect(Sensor s, ConnectionManager<Reading> devices, InetSocketAddress to)
            throws InterruptedException {
        for (int attempt = 1; !stopping; attempt++) {
            try {
                s.connection = devices.connect(to);
                return;
            } catch (IOException | IllegalStateException e) {
                if (attempt == 3 && !stopping) {
                    out.printf("%s  sensor %s cannot connect yet: %s%n", at(System.nanoTime()),
                            FleetReport.name(s.id), e.getMessage());
                }
                Thread.sleep(200L * attempt);
            }
        }
    }

    /** Injects the planned failures and comebacks at their moments. */
    private void chaos(List<Plan> schedule, List<Sensor> sensors, ConnectionManager<Reading> devices,
                       InetSocketAddress monitor) {
        record Step(long atNanos, Plan plan, boolean back) {
        }
        List<Step> steps = new ArrayList<>();
        for (Plan p : schedule) {
            steps.add(new Step(p.atNanos(), p, false));
            if (p.backAtNanos() > 0) {
                steps.add(new Step(p.backAtNanos(), p, true));
            }
        }
        steps.sort(Comparator.comparingLong(Step::atNanos));
        try {
            for (Step step : steps) {
                sleepUntil(step.atNanos());
                Sensor s = sensors.get(step.plan().sensor());
                String name = FleetReport.name(s.id);
                if (!step.back()) {
                    s.sending = false;
                    switch (step.plan().mode()) {
                        case HANG -> say("chaos", name + " hangs: no more readings, but its connection stays up"
                                + " and Vigil still answers PINGs");
                        case POWER_LOSS -> {
                            java.util.Objects.requireNonNull(s.proxy).blackhole(FaultProxy.Direction.BOTH);
                            say("chaos", name + " loses power: no FIN, no RST, just silence (proxy blackholed)");
                        }
                        case CLEAN_CLOSE -> {
                            say("chaos", name + " shuts down cleanly: Connection.close() sends a CLOSE frame");
                            Connection<Reading> c = s.connection;
                            if (c != null) {
                                c.close();
                            }
                        }
                    }
                } else if (step.plan().mode() == Mode.HANG) {
                    say("chaos", name + " recovers from its hang and sends readings again");
                    s.sending = true;
                } else {
                    say("chaos", name + " is back: it reconnects to the monitor");
                    Thread.ofVirtual().start(() -> {
                        try {
                            connect(s, devices, monitor);
                            s.sending = true;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    /** The monitor noticed something: keep it for the report, and print what a person would want to see. */
    private void noticed(Monitor.Event e) {
        events.add(e);
        String name = FleetReport.name(e.sensor());
        Plan p = plans.get(e.sensor());
        String since = p == null || e.atNanos() < p.atNanos() ? ""
                : " (" + FleetReport.secs(Duration.ofNanos(e.atNanos() - p.atNanos())) + " after " + switch (p.mode()) {
                    case HANG -> "it hung)";
                    case POWER_LOSS -> "its power was cut)";
                    case CLEAN_CLOSE -> "it closed)";
                };
        switch (e.type()) {
            case ONLINE -> { }
            case BACK_ONLINE -> say("monitor", name + " is back online on a new connection");
            case RESUMED -> say("monitor", name + " sends readings again");
            case SUSPECT -> say("monitor", name + " is SUSPECT: silent past the policy's suspect point" + since);
            case RECOVERED -> say("monitor", name + " is ACTIVE again: it spoke");
            case STALE -> say("monitor", name + " looks HUNG: no reading for " + FleetReport.secs(e.silence())
                    + ", though Vigil keeps the link ACTIVE (PONG in " + FleetReport.millis(e.rtt()) + ")" + since);
            case CLOSED -> {
                CloseReason reason = java.util.Objects.requireNonNull(e.reason());
                say("monitor", name + " is OFFLINE: " + reason.kind() + (reason.remote() ? " (it said so)" : "")
                        + (reason.kind() == CloseReason.Kind.HEARTBEAT_TIMEOUT
                        ? ", nothing heard for " + FleetReport.secs(e.silence()) + (e.localStall().isZero() ? ""
                        : " (" + FleetReport.secs(e.localStall()) + " of it this JVM's own stall)") : "") + since);
            }
        }
    }

    private void status(Monitor.Snapshot s, long readingsLastSecond, ConnectionManager<Reading> server) {
        Duration[] rtt = rttPercentiles(server);
        out.printf("%s  online %4d  suspect %3d  hung %3d  offline %3d | %5d readings/s | RTT p50 %s p99 %s%n",
                at(System.nanoTime()), s.online(), s.suspect(), s.hung(), s.offline(), readingsLastSecond,
                rtt[1].isZero() ? "-" : FleetReport.millis(rtt[0]), rtt[1].isZero() ? "-" : FleetReport.millis(rtt[1]));
    }

    /** {@return p50 and p99 of the smoothed heartbeat RTT over every open connection that has a sample} */
    private static Duration[] rttPercentiles(ConnectionManager<Reading> server) {
        List<Duration> rtts = new ArrayList<>();
        for (Connection<Reading> c : server.connections()) {
            if (c.rtt().samples() > 0) {
                rtts.add(c.rtt().smoothed());
            }
        }
        if (rtts.isEmpty()) {
            return new Duration[] {Duration.ZERO, Duration.ZERO};
        }
        Collections.sort(rtts);
        return new Duration[] {rtts.get((rtts.size() - 1) / 2), rtts.get((int) Math.ceil(rtts.size() * 0.99) - 1)};
    }

    /** Matches each injected failure with the first thing the monitor noticed about that sensor after it. */
    private FleetReport report(List<Plan> schedule, HeartbeatPolicy policy, long readings, Duration[] rtt) {
        List<Monitor.Event> all = new ArrayList<>(events);
        all.sort(Comparator.comparingLong(Monitor.Event::atNanos));
        List<Failure> failures = new ArrayList<>();
        for (Plan p : schedule) {
            Monitor.Event noticed = null;
            Monitor.Event suspect = null;
            Monitor.Event back = null;
            for (Monitor.Event e : all) {
                if (e.sensor() != p.sensor() || e.atNanos() < p.atNanos()) {
                    continue;
                }
                if (noticed == null && e.type() == Monitor.Type.SUSPECT && suspect == null) {
                    suspect = e;
                } else if (noticed == null && (e.type() == Monitor.Type.CLOSED || e.type() == Monitor.Type.STALE)) {
                    noticed = e;
                } else if (noticed != null && back == null
                        && (e.type() == Monitor.Type.BACK_ONLINE || e.type() == Monitor.Type.RESUMED)) {
                    back = e;
                }
            }
            Duration expected = switch (p.mode()) {
                case POWER_LOSS -> o.heartbeatTimeout();
                case HANG -> o.staleAfter().plusMillis(100); // plus the scan period
                case CLEAN_CLOSE -> o.heartbeatInterval(); // "at once": well before any heartbeat could tell
            };
            failures.add(new Failure(p.sensor(), p.mode(), Duration.ofNanos(p.atNanos() - t0),
                    noticed == null ? null : Duration.ofNanos(noticed.atNanos() - p.atNanos()),
                    noticed != null && noticed.type() == Monitor.Type.STALE,
                    noticed == null ? null : noticed.reason(),
                    noticed == null ? Duration.ZERO : noticed.silence(),
                    noticed == null ? Duration.ZERO : noticed.localStall(),
                    suspect == null ? null : Duration.ofNanos(suspect.atNanos() - p.atNanos()),
                    expected, p.backAtNanos() > 0,
                    back == null ? null : Duration.ofNanos(back.atNanos() - p.atNanos()),
                    noticed == null ? Duration.ZERO : noticed.rtt()));
        }
        // A false alarm: offline or hung, for a sensor that was not (yet) made to fail.
        List<String> falseAlarms = new ArrayList<>();
        for (Monitor.Event e : all) {
            Plan p = plans.get(e.sensor());
            boolean bad = e.type() == Monitor.Type.CLOSED || e.type() == Monitor.Type.STALE;
            if (bad && (p == null || e.atNanos() < p.atNanos())) {
                falseAlarms.add(FleetReport.name(e.sensor()) + " " + e.type()
                        + (e.reason() == null ? "" : " " + e.reason().kind()));
            }
        }
        return new FleetReport(o, describe(policy), failures, falseAlarms, readings,
                Duration.ofNanos(System.nanoTime() - t0), rtt[0], rtt[1]);
    }

    static String describe(HeartbeatPolicy policy) {
        return switch (policy) {
            case HeartbeatPolicy.Fixed f -> String.format("fixed: PING after %s of silence, SUSPECT after %s, dead "
                    + "after %s", FleetReport.secs(f.interval()), FleetReport.secs(f.suspectAfter()),
                    FleetReport.secs(f.timeout()));
            case HeartbeatPolicy.PhiAccrual p -> String.format("phi-accrual: PING after %s of silence, SUSPECT at "
                    + "phi %.1f, dead at phi %.1f, never before %s, always by %s",
                    FleetReport.secs(p.interval()), p.suspectThreshold(), p.threshold(),
                    FleetReport.secs(p.minTimeout()), FleetReport.secs(p.maxTimeout()));
            case HeartbeatPolicy.None n -> "none";
        };
    }

    private void say(String who, String what) {
        out.printf("%s  %-7s %s%n", at(System.nanoTime()), who, what);
    }

    private String at(long nanos) {
        return String.format(Locale.ROOT, "%6.2fs", (nanos - t0) / 1e9);
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
