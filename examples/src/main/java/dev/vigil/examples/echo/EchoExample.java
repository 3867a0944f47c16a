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
 *   echo                       server and client in one process
 *   echo server --port 7000    a server until Ctrl-C
 *   echo client --port 7000    a client of that server
 * </pre>
 */
public final class EchoExample {

    /** The options of {@code echo}. */
    public static final List<Options.Spec> SPECS = List.of(
            Options.Spec.of("host", "127.0.0.1", "client: the server's host"),
            Options.Spec.of("port", "7000", "server: port to listen on; client: port to connect to"),
            Options.Spec.of("count", "5", "client: how many messages to send"),
            Options.Spec.of("message", "hello", "client: what to send"),
            Options.Spec.of("every", "300ms", "client: pause between messages"));

    /**
     * Both sides ping after 100 ms of silence and give up after 1 s. The client pauses longer than that between
     * messages, so Vigil measures RTT in the pauses: a PING goes out only when the peer has been quiet for an interval.
     */
    static final HeartbeatPolicy POLICY = HeartbeatPolicy.fixed(Duration.ofMillis(100), Duration.ofSeconds(1));

    /**
     * What the client saw.
     *
     * @param replies    the replies, in order
     * @param roundTrips how long each message took to come back (send to reply, measured by the application)
     * @param heartbeat  the RTT measured by Vigil's PING/PONG on the same connection
     */
    public record Result(List<String> replies, List<Duration> roundTrips, RttStats heartbeat) {
    }

    private EchoExample() {
    }

    /** Runs {@code echo [server|client] [options]}. */
    public static void main(Options options, PrintStream out) throws Exception {
        String mode = options.positional().isEmpty() ? "both" : options.positional().getFirst();
        switch (mode) {
            case "server" -> server(options.integer("port"), out);
            case "client" -> client(new InetSocketAddress(options.string("host"), options.integer("port")),
                    options.integer("count"), options.string("message"), options.duration("every"), out);
            case "both" -> inProcess(options.integer("count"), options.string("message"), options.duration("every"),
                    out);
            default -> throw new IllegalArgumentException("echo takes 'server', 'client' or nothing, not " + mode);
        }
    }

    /** The server's whole logic: send every message back on the connection it came from. */
    static ConnectionManager<String> newServer(PrintStream out) {
        return ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(POLICY)
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
    public static void server(int port, PrintStream out) throws IOException, InterruptedException {
        ConnectionManager<String> server = newServer(out);
        InetSocketAddress address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        out.printf("echo server on %s; try: java -jar vigil-examples.jar echo client --port %d%n", address,
                address.getPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // tells every client with a CLOSE frame, waits for them
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Connects, sends {@code count} messages one at a time, and waits for each echo. */
    public static Result client(InetSocketAddress server, int count, String message, Duration every,
                                PrintStream out) throws IOException, InterruptedException {
        // Replies arrive on the connection's reader thread; hand them to this thread through a queue.
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        try (ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(POLICY)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String reply) {
                        replies.add(reply);
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
                String reply = replies.poll(5, TimeUnit.SECONDS);
                if (reply == null) {
                    throw new IOException("no echo of '" + sent + "' within 5 s; connection " + connection.state());
                }
                Duration rt = Duration.ofNanos(System.nanoTime() - start);
                got.add(reply);
                roundTrips.add(rt);
                out.printf(Locale.ROOT, "client: sent '%s', got '%s' back in %.3f ms%n", sent, reply,
                        rt.toNanos() / 1e6);
                Thread.sleep(every); // quiet time, in which Vigil pings and measures RTT
            }
            RttStats rtt = connection.rtt();
            out.printf(Locale.ROOT, "client: heartbeat RTT over %d PINGs: smoothed %.3f ms, min %.3f ms, "
                            + "variation %.3f ms%n", rtt.samples(), rtt.smoothed().toNanos() / 1e6,
                    rtt.min().toNanos() / 1e6, rtt.variation().toNanos() / 1e6);
            connection.close();
            return new Result(got, roundTrips, rtt);
        }
    }

    /** Starts a server on a free port, runs the client against it, and stops both. */
    public static Result inProcess(int count, String message, Duration every, PrintStream out)
            throws IOException, InterruptedException {
        try (ConnectionManager<String> server = newServer(out)) {
            InetSocketAddress address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return client(address, count, message, every, out);
        }
    }
}
