package dev.vigil.examples.chat;

import dev.vigil.HeartbeatPolicy;
import dev.vigil.examples.Options;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code chat server}, {@code chat client} and {@code chat demo} (the default).
 *
 * <pre>
 *   chat server --port 7001
 *   chat client --port 7001 --name ann       (or: nc localhost 7001, then /name ann)
 *   chat demo
 * </pre>
 */
public final class ChatExample {

    /** The options of {@code chat}. */
    public static final List<Options.Spec> SPECS = List.of(
            Options.Spec.of("host", "127.0.0.1", "server: address to listen on; client: the server's host"),
            Options.Spec.of("port", "7001", "server: port to listen on; client: port to connect to"),
            Options.Spec.of("name", System.getProperty("user.name", "me"), "client: your name"),
            Options.Spec.of("room", "lobby", "client: the room to join"),
            Options.Spec.of("interval", "5s", "server and client: PING after this much quiet"),
            Options.Spec.of("timeout", "30s", "server and client: offline after this much quiet"));

    /**
     * The demo's heartbeats are fast so that "away" and "offline" show within seconds; a real chat would use the
     * server's defaults (5 s and 30 s), which leave a person on {@code nc} time to answer PING with PONG.
     */
    public static final HeartbeatPolicy.Fixed DEMO_POLICY =
            HeartbeatPolicy.fixed(Duration.ofMillis(250), Duration.ofMillis(1500));

    private ChatExample() {
    }

    /** Runs {@code chat [server|client|demo] [options]}; returns the exit status. */
    public static int main(Options o, PrintStream out) throws Exception {
        String mode = o.positional().isEmpty() ? "demo" : o.positional().getFirst();
        HeartbeatPolicy.Fixed policy = HeartbeatPolicy.fixed(o.duration("interval"), o.duration("timeout"));
        switch (mode) {
            case "server" -> {
                ChatServer server = new ChatServer(policy, out::println);
                InetSocketAddress address = server.start(new InetSocketAddress(o.string("host"), o.integer("port")));
                out.printf("chat server on port %d; join with: java -jar vigil-examples.jar chat client --port %d "
                        + "--name you   or: nc %s %d%n", address.getPort(), address.getPort(),
                        o.string("host"), address.getPort());
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    stopped.countDown();
                }));
                stopped.await();
                return 0;
            }
            case "client" -> {
                return ChatClient.run(new InetSocketAddress(o.string("host"), o.integer("port")), o.string("name"),
                        o.string("room"), policy,
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
            }
            case "demo" -> {
                ChatDemo.run(DEMO_POLICY, out);
                return 0;
            }
            default -> throw new IllegalArgumentException("chat takes 'server', 'client' or 'demo', not " + mode);
        }
    }
}
