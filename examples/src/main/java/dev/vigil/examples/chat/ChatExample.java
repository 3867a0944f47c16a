package dev.vigil.examples.chat;

import dev.vigil.HeartbeatPolicy;
import dev.vigil.examples.Options;
import dev.vigil.redis.RedisBackplane;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code chat server}, {@code chat client}, {@code chat demo} (the default), and the cluster: {@code chat cluster}
 * (a Redis and several {@code chat node}s, each in its own JVM).
 *
 * <pre>
 *   chat server --port 7001
 *   chat client --port 7001 --name ann       (or: nc localhost 7001, then /name ann)
 *   chat demo
 *   chat cluster --nodes 3 --port 7001       (nc localhost 7001, nc localhost 7002, ...)
 *   chat node --redis redis://127.0.0.1:6379 --node-id node-1 --port 7001
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
            Options.Spec.of("timeout", "30s", "server and client: offline after this much quiet"),
            Options.Spec.of("nodes", "3",
                    "cluster: how many chat nodes (each its own JVM; ports count up from --port)"),
            Options.Spec.of("redis", "", "cluster and node: a Redis URI such as redis://host:6379; cluster: empty "
                    + "starts an embedded one"),
            Options.Spec.of("node-id", "node-1", "node: this node's id in the cluster"),
            Options.Spec.of("ttl", "3s", "cluster and node: a crashed node's people leave the others within this "
                    + "(its key's lifetime in Redis) plus a third of it plus --linger"),
            Options.Spec.of("linger", "2s", "cluster and node: how long someone without a connection still shows"),
            Options.Spec.of("seconds", "0", "cluster: stop after this long; 0 runs until Ctrl-C"),
            Options.Spec.of("health-port", "-1", "cluster and node: GET /health for a balancer on this port (cluster:"
                    + " counting up per node); -1 for none, 0 for any free port"),
            Options.Spec.of("drain", "2s", "cluster and node: on SIGTERM, close this node's people spread over this"
                    + " long (they reconnect elsewhere) before stopping"));

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
            case "node" -> {
                return node(o, policy, out);
            }
            case "cluster" -> {
                return cluster(o, policy, out);
            }
            default -> throw new IllegalArgumentException("chat takes 'server', 'client', 'demo', 'cluster' or "
                    + "'node', not " + mode);
        }
    }

    private static int node(Options o, HeartbeatPolicy.Fixed policy, PrintStream out) throws Exception {
        if (o.string("redis").isEmpty()) {
            throw new IllegalArgumentException("chat node needs --redis redis://host:port");
        }
        RedisBackplane backplane = RedisBackplane.builder(o.string("redis")).nodeId(o.string("node-id"))
                .nodeTtl(o.duration("ttl")).build();
        ClusterChatNode node = new ClusterChatNode(backplane, policy, o.duration("linger"), out::println);
        InetSocketAddress address = node.start(new InetSocketAddress(o.string("host"), o.integer("port")));
        HealthEndpoint health = o.integer("health-port") < 0 ? null
                : new HealthEndpoint(new InetSocketAddress(o.string("host"), o.integer("health-port")),
                        () -> node.draining() ? "draining" : backplane.isConnected() ? null : "Redis unreachable");
        out.printf("node %s listening on %s:%d (pid %d)%s; join with: nc %s %d%n", backplane.nodeId(),
                o.string("host"), address.getPort(), ProcessHandle.current().pid(),
                health == null ? "" : ", health on http://" + o.string("host") + ":" + health.port() + "/health",
                o.string("host"), address.getPort());
        Duration drain = o.duration("drain");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.drain(drain); // SIGTERM: a planned stop; kill -9 skips all of this
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            node.close();
            backplane.close();
            if (health != null) {
                health.close();
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    private static int cluster(Options o, HeartbeatPolicy.Fixed policy, PrintStream out) throws Exception {
        int nodes = o.integer("nodes");
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("--nodes must be 1 to 9, not " + nodes);
        }
        ChatCluster.Config config = new ChatCluster.Config(nodes, o.integer("port"),
                o.string("redis").isEmpty() ? null : o.string("redis"), o.duration("ttl"), o.duration("linger"),
                policy.interval(), policy.timeout(), o.integer("health-port"), o.duration("drain"));
        ChatCluster cluster = ChatCluster.start(config, out);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cluster.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("%nchat cluster: %d nodes on one Redis (%s)%n", nodes, cluster.redisUri());
        for (ChatCluster.Node n : cluster.nodes()) {
            out.printf("  %-7s nc %s %d    (pid %d)%n", n.id(), o.string("host"), n.port(), n.process().pid());
        }
        ChatCluster.Node first = cluster.nodes().getFirst();
        out.printf("%nTry: nc to two different nodes, /name ann on one and /name bob on the other, say something, "
                + "/who.%nThen kill -9 %d (%s): within %s (TTL) + %s (refresh) + %s (linger) the other nodes say "
                + "who left.%nCtrl-C stops everything.%n", first.process().pid(), first.id(), o.string("ttl"),
                o.duration("ttl").dividedBy(3).toMillis() + "ms", o.string("linger"));
        long seconds = (long) o.number("seconds");
        if (seconds > 0) {
            if (!stopped.await(seconds, TimeUnit.SECONDS)) {
                Runtime.getRuntime().removeShutdownHook(hook);
                cluster.close();
            }
        } else {
            stopped.await();
        }
        return 0;
    }
}
