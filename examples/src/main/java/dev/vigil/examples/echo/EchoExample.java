package dev.vigil.examples.echo;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.RttStats;
import dev.vigil.examples.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The smallest Vigil program: an echo server and a client that sends a few messages and prints how long each round
 * trip took, next to the RTT that Vigil's own heartbeats measured.
 *
 * <pre>
 *   echo                                   server and client in one process
 *   echo server --port 7000                a server until Ctrl-C
 *   echo client --port 7000                a client of that server
 *   echo server --interval 1s --timeout 3s another heartbeat policy (both sides take it)
 * </pre>
 *
 * <p>Every connection's end is printed with its reason; the client exits with status 1 if its connection closed
 * before every echo came back (the server went away, or timed it out).
 */
public final class EchoExample {

    /** The options of {@code echo}. */
    public static final List<Options.Spec> SPECS = List.of(
            Options.Spec.of("host", "127.0.0.1", "client: the server's host"),
            Options.Spec.of("port", "7000", "server: port to listen on; client: port to connect to"),
            Options.Spec.of("count", "5", "client: how many messages to send"),
            Options.Spec.of("message", "hello", "client: what to send"),
            Options.Spec.of("every", "300ms", "client: pause between messages"),
            Options.Spec.of("interval", "100ms", "heartbeat: PING after this much silence"),
            Options.Spec.of("timeout", "1s", "heartbeat: the peer is dead after this much silence"));

    /**
     * The default policy: both sides ping after 100 ms of silence and give up after 1 s. The client pauses longer
     * than that between messages, so Vigil measures RTT in the pauses: a PING goes out only when the peer has been
     * quiet for an interval. {@code --interval} and {@code --timeout} replace it.
     */
    static final HeartbeatPolicy POLICY = HeartbeatPolicy.fixed(Duration.ofMillis(100), Duration.ofSeconds(1));

    /**
     * What the client saw.
     *
     * @param replies     the replies, in order
     * @param roundTrips  how long each message took to come back (send to reply, measured by the application)
     * @param heartbeat   the RTT measured by Vigil's PING/PONG on the same connection
     * @param closeReason why the client's connection closed: {@code CLOSED_LOCALLY} when the client was done
     * @param complete    whether every message came back before the connection closed
     */
    public record Result(List<String> replies, List<Duration> roundTrips, RttStats heartbeat, CloseReason closeReason,
                         boolean complete) {
    }

    private EchoExample() {
    }

    /**
     * Runs {@code echo [server|client] [options]}.
     *
     * @return the exit status: 0, or 1 if the client's connection closed before every echo came back
     * @throws IllegalArgumentException if an option is wrong, such as a timeout not longer than the interval
     */
    public static int main(Options options, PrintStream out) throws Exception {
        String mode = options.positional().isEmpty() ? "both" : options.positional().getFirst();
        HeartbeatPolicy policy = HeartbeatPolicy.fixed(options.duration("interval"), options.duration("timeout"));
        Result result = switch (mode) {
            case "server" -> {
                server(options.integer("port"), policy, out);
                yield null;
            }
            case "client" -> client(new InetSocketAddress(options.string("host"), options.integer("port")),
                    options.integer("count"), options.string("message"), options.duration("every"), policy, out);
            case "both" -> inProcess(options.integer("count"), options.string("message"), options.duration("every"),
                    policy, out);
            default -> throw new IllegalArgumentException("echo takes 'server', 'client' or nothing, not " + mode);
        };
        return result == null || result.complete() ? 0 : 1;
    }

    /** The server's whole logic: send every message back on the connection it came from. */
    static ConnectionManager<String> newServer(HeartbeatPolicy policy, PrintStream out) {
        return ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(policy)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onOpen(Connection<String> c) {
                        out.printf("server: %s connected%n", c.remoteAddress());
                    }

                    @Override
                    public void onMessage(Connection<String> c, String message) {
                        c.send(message); // returns at once; a reply from the reader thread is written inline
                    }

                    @Override
                    public void onClose(Connection<String> c, CloseReason reason) {
                        out.printf("server: %s left: %s%n", c.remoteAddress(), reason);
                    }
                })
                .build();
    }

    /** Runs a server on the port until the JVM is stopped (Ctrl-C closes it gracefully). */
    public static void server(int port, HeartbeatPolicy policy, PrintStream out)
            throws IOException, InterruptedException {
        ConnectionManager<String> server = newServer(policy, out);
        InetSocketAddress address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        out.printf("echo server on %s, heartbeat %s; try: java -jar vigil-examples.jar echo client --port %d%n",
                address, policy, address.getPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // tells every client with a CLOSE frame, waits for them
            stopped.countDown();
        }));
        stopped.await();
    }

    /**
     * Connects, sends {@code count} messages one at a time, and waits for each echo; prints why the connection
     * closed, whether the client finished or the connection ended first.
     */
    public static Result client(InetSocketAddress server, int count, String message, Duration every,
                                HeartbeatPolicy policy, PrintStream out) throws IOException, InterruptedException {
        // Replies and the connection's end arrive on Vigil's threads; hand them to this thread through a queue.
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(policy)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String reply) {
                        events.add(reply);
                    }

                    @Override
                    public void onClose(Connection<String> c, CloseReason reason) {
                        events.add(reason);
                    }
                })
                .build()) {
            Connection<String> connection = client.connect(server);
            out.printf("client: connected to %s%n", connection.remoteAddress());
            List<String> got = new ArrayList<>();
            List<Duration> roundTrips = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String sent = message + " " + i;
                long start = System.nanoTime();
                connection.send(sent);
                Object event = events.poll(5, TimeUnit.SECONDS);
                if (event instanceof CloseReason reason) {
                    out.printf("client: connection closed before the echo of '%s': %s%n", sent, reason);
                    return new Result(got, roundTrips, connection.rtt(), reason, false);
                }
                if (event == null) {
                    throw new IOException("no echo of '" + sent + "' within 5 s; connection " + connection.state());
                }
                Duration rt = Duration.ofNanos(System.nanoTime() - start);
                got.add((String) event);
                roundTrips.add(rt);
                out.printf(Locale.ROOT, "client: sent '%s', got '%s' back in %.3f ms%n", sent, event,
                        rt.toNanos() / 1e6);
                Thread.sleep(every); // quiet time, in which Vigil pings and measures RTT
            }
            RttStats rtt = connection.rtt();
            out.printf(Locale.ROOT, "client: heartbeat RTT over %d PINGs: smoothed %.3f ms, min %.3f ms, "
                            + "variation %.3f ms%n", rtt.samples(), rtt.smoothed().toNanos() / 1e6,
                    rtt.min().toNanos() / 1e6, rtt.variation().toNanos() / 1e6);
            connection.close();
            CloseReason reason = awaitClose(events);
            out.printf("client: connection closed: %s%n", reason);
            return new Result(got, roundTrips, rtt, reason, true);
        }
    }

    /** Skips replies still on their way and {@return the close reason} */
    private static CloseReason awaitClose(BlockingQueue<Object> events) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Object event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event instanceof CloseReason reason) {
                return reason;
            }
            if (event == null) {
                throw new IOException("the connection did not report its close within 10 s");
            }
        }
    }

    /** Starts a server on a free port, runs the client against it, and stops both. */
    public static Result inProcess(int count, String message, Duration every, HeartbeatPolicy policy,
                                   PrintStream out) throws IOException, InterruptedException {
        try (ConnectionManager<String> server = newServer(policy, out)) {
            InetSocketAddress address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return client(address, count, message, every, policy, out);
        }
    }
}
