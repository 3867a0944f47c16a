package dev.vigil.examples.health;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.examples.health.HealthChecker.Backend;
import dev.vigil.examples.health.HealthChecker.Status;
import dev.vigil.testing.FaultProxy;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The health checker demo: a pool of backends in this process, each a Vigil server behind its own
 * {@link FaultProxy} (its "network"), and a {@link HealthChecker} sending requests to the healthy ones. Then
 * backend-2's link slows down more every second and backend-3 crashes. The timeline shows backend-2 leave the pool
 * on its rising RTT, well before it would time out, and backend-3 leave on heartbeat silence.
 */
public final class HealthDemo {

    /** A request in flight: to which backend, sent when. */
    private record Request(long id, Backend backend, long sentNanos) {
    }

    /** A request sent: to whom, when (for checking that nothing went to a backend out of the pool). */
    private record Sent(String backend, long atNanos) {
    }

    private final HealthOptions o;
    private final PrintStream out;
    private volatile long t0 = System.nanoTime();
    private final Map<Long, Request> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<HealthChecker.Change> changes = new CopyOnWriteArrayList<>();
    private final List<Long> changeTimes = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger resent = new AtomicInteger();
    private @Nullable HealthChecker checker;
    private volatile boolean stopping;

    private HealthDemo(HealthOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    /** Runs the demo, printing its timeline, and returns the report. */
    public static HealthReport run(HealthOptions options, PrintStream out) throws IOException, InterruptedException {
        return new HealthDemo(options, out).run();
    }

    private HealthReport run() throws IOException, InterruptedException {
        List<ConnectionManager<String>> servers = new ArrayList<>();
        List<FaultProxy> links = new ArrayList<>();
        HealthChecker hc = new HealthChecker(HeartbeatPolicy.fixed(o.interval(), o.timeout()), o.slowRtt(),
                this::changed, this::answered);
        checker = hc;
        List<Duration> slowRtts = new ArrayList<>();
        try {
            for (int i = 1; i <= o.backends(); i++) {
                ConnectionManager<String> server = backend("backend-" + i);
                servers.add(server);
                FaultProxy link = FaultProxy.start(
                        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
                links.add(link);
                hc.add("backend-" + i, link.address());
            }
            out.printf("Vigil health demo: %d backends, %d requests/s to the healthy ones; heartbeat PING after %s "
                            + "of quiet, dead after %s; a backend with smoothed RTT above %s is slow%n",
                    o.backends(), o.rate(), HealthReport.human(o.interval()), HealthReport.human(o.timeout()),
                    HealthReport.human(o.slowRtt()));
            t0 = System.nanoTime(); // the timeline starts once the pool is up
            Thread load = Thread.ofVirtual().name("load").start(this::load);
            Thread faults = Thread.ofVirtual().name("faults").start(() -> faults(links.get(1), links.get(2),
                    servers.get(2)));

            Backend slow = hc.backends().get(1);
            long end = t0 + o.duration().toNanos();
            long nextStatus = t0 + 1_000_000_000L;
            int lastSent = 0;
            while (System.nanoTime() < end) {
                sleepUntil(Math.min(end, System.nanoTime() + 50_000_000L));
                hc.evaluate(); // RTT moves with every PONG: re-judge often
                if (System.nanoTime() >= nextStatus) {
                    nextStatus += 1_000_000_000L;
                    if (slow.status != Status.DOWN) {
                        slowRtts.add(slow.rtt().smoothed());
                    }
                    status(hc, sent.size() - lastSent);
                    lastSent = sent.size();
                }
            }
            stopping = true;
            load.interrupt();
            faults.interrupt();
        } finally {
            stopping = true;
            hc.close();
            servers.forEach(ConnectionManager::close);
            links.forEach(FaultProxy::close);
        }
        for (Backend b : hc.backends()) { // every client connection says why it ended, not only the faulty ones
            Connection<String> c = b.connection;
            say("checker", b.name + " connection closed: " + (c == null ? "never opened" : c.closeReason()));
        }
        return report(slowRtts);
    }

    /** A backend: a Vigil server that answers each request. Its own policy is lenient: the checker decides. */
    private ConnectionManager<String> backend(String name) {
        return ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(30)))
                .shutdownGrace(Duration.ofMillis(200))
                .closeTimeout(Duration.ofMillis(200))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String request) {
                        c.send("ok " + request.substring(4) + " " + name); // "req 17" -> "ok 17 backend-1"
                    }
                })
                .build();
    }

    /** Sends {@code rate} requests a second, each to the next healthy backend. */
    private void load() {
        long period = 1_000_000_000L / o.rate();
        long next = System.nanoTime();
        try {
            while (!stopping) {
                next += period;
                sleepUntil(next);
                send(ids.incrementAndGet());
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    private void send(long id) {
        long now = System.nanoTime(); // taken before pick(): a backend that leaves the pool after this may still get it
        Backend b = java.util.Objects.requireNonNull(checker).pick();
        Connection<String> c = b == null ? null : b.connection;
        if (c == null) {
            say("load", "no healthy backend for request " + id);
            return;
        }
        inFlight.put(id, new Request(id, b, now));
        sent.add(new Sent(b.name, now));
        c.send("req " + id);
    }

    private void answered(Backend b, String response) {
        long id = Long.parseLong(response.split(" ")[1]);
        if (inFlight.remove(id) != null) {
            served.computeIfAbsent(b.name, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Slows backend-2's link more and more from {@code slowAt}; crashes backend-3 at {@code killAt}. */
    private void faults(FaultProxy slowLink, FaultProxy deadLink, ConnectionManager<String> deadServer) {
        long slowAt = t0 + o.slowAt().toNanos();
        long killAt = t0 + o.killAt().toNanos();
        boolean slowing = false;
        boolean killed = false;
        try {
            while (!stopping) {
                long now = System.nanoTime();
                if (now >= slowAt) {
                    if (!slowing) {
                        say("fault", "backend-2's link starts slowing down: +" + HealthReport.human(o.ramp())
                                + " one-way latency every second");
                        slowing = true;
                    }
                    slowLink.latency(FaultProxy.Direction.BOTH,
                            Duration.ofNanos((long) (o.ramp().toNanos() * ((now - slowAt) / 1e9))), Duration.ZERO);
                }
                if (now >= killAt && !killed) {
                    say("fault", "backend-3 crashes: its process stops and its network goes silent");
                    deadLink.blackhole(FaultProxy.Direction.BOTH); // no FIN, no RST reaches the checker
                    deadServer.shutdown(Duration.ZERO);
                    killed = true;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    /** A backend changed status: print it, and re-send the requests a dead backend will never answer. */
    private void changed(HealthChecker.Change ch) {
        if (stopping) {
            return; // the run is over; these are the checker's own connections closing
        }
        changes.add(ch);
        changeTimes.add(System.nanoTime());
        String why = switch (ch.to()) {
            case SLOW -> "smoothed RTT " + ms(ch.rtt()) + " > " + HealthReport.human(o.slowRtt())
                    + ": slow, out of the pool";
            case SUSPECT -> "SUSPECT: silent past the heartbeat's suspect point, out of the pool";
            case DOWN -> "DOWN: " + ch.reason();
            case HEALTHY -> "healthy again (RTT " + ms(ch.rtt()) + "), back in the pool";
        };
        say("checker", ch.backend().name + " " + why + "  pool: " + java.util.Objects.requireNonNull(checker)
                .pool());
        if (ch.to() == Status.DOWN) {
            for (Request r : inFlight.values()) {
                if (r.backend() == ch.backend() && inFlight.remove(r.id()) != null) {
                    resent.incrementAndGet();
                    say("checker", "request " + r.id() + " was in flight to " + r.backend().name + ": re-sent");
                    send(r.id());
                }
            }
        }
    }

    private void status(HealthChecker hc, int sentLastSecond) {
        String rtts = hc.backends().stream().map(b -> String.format(Locale.ROOT, "%s %.1f%s", b.name,
                        b.rtt().smoothed().toNanos() / 1e6, b.status == Status.HEALTHY ? "" : " " + b.status))
                .collect(Collectors.joining(" | "));
        say("status", String.format("%d req/s, pool %d/%d | smoothed RTT ms: %s", sentLastSecond,
                hc.pool().size(), o.backends(), rtts));
    }

    private HealthReport report(List<Duration> slowRtts) {
        Duration slowFlaggedAt = null;
        String slowFlaggedAs = null;
        Duration slowFlaggedRtt = Duration.ZERO;
        Duration slowDownAt = null;
        CloseReason.Kind slowDownKind = null;
        Duration killedOutAt = null;
        Duration killedDownAt = null;
        CloseReason.Kind killedDownKind = null;
        for (int i = 0; i < changes.size(); i++) {
            HealthChecker.Change ch = changes.get(i);
            Duration at = Duration.ofNanos(changeTimes.get(i) - t0);
            String name = ch.backend().name;
            if (name.equals("backend-2") && ch.from() == Status.HEALTHY && slowFlaggedAt == null) {
                slowFlaggedAt = at;
                slowFlaggedAs = ch.to().name();
                slowFlaggedRtt = ch.rtt();
            }
            if (name.equals("backend-3") && ch.from() == Status.HEALTHY && killedOutAt == null) {
                killedOutAt = at;
            }
            if (ch.to() == Status.DOWN) {
                CloseReason.Kind kind = ch.reason() == null ? null : ch.reason().kind();
                if (name.equals("backend-2")) {
                    slowDownAt = at;
                    slowDownKind = kind;
                } else if (name.equals("backend-3")) {
                    killedDownAt = at;
                    killedDownKind = kind;
                }
            }
        }
        int after = 0;
        for (Sent s : sent) {
            Duration at = Duration.ofNanos(s.atNanos() - t0);
            if (s.backend().equals("backend-2") && slowFlaggedAt != null && at.compareTo(slowFlaggedAt) > 0
                    || s.backend().equals("backend-3") && killedOutAt != null && at.compareTo(killedOutAt) > 0) {
                after++;
            }
        }
        Map<String, Integer> byBackend = new TreeMap<>();
        served.forEach((k, v) -> byBackend.put(k, v.get()));
        HealthReport report = new HealthReport(o, slowRtts, slowFlaggedAt, slowFlaggedAs, slowFlaggedRtt, slowDownAt,
                slowDownKind, killedOutAt, killedDownAt, killedDownKind, byBackend, sent.size(), after, resent.get(),
                inFlight.size());
        out.print(report.render());
        return report;
    }

    private void say(String who, String what) {
        out.printf(Locale.ROOT, "%6.2fs  %-7s %s%n", (System.nanoTime() - t0) / 1e9, who, what);
    }

    private static String ms(Duration d) {
        return HealthReport.ms(d);
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
