package dev.vigil.examples.chat;

import org.jetbrains.annotations.Nullable;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code chat cluster}: a Redis (embedded unless one is given) and several chat nodes, each in a JVM of its own, so
 * that {@code kill -9} of one is a real crash. Each node's output is relayed, prefixed with its id.
 */
public final class ChatCluster implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+) \\(pid (\\d+)\\)");

    /**
     * One node as the launcher sees it.
     *
     * @param id      its node id
     * @param port    where it listens
     * @param process its JVM
     */
    public record Node(String id, int port, Process process) {
    }

    /**
     * How to run the cluster.
     *
     * @param nodes    how many nodes
     * @param basePort the first node's port (the others count up from it); 0 for free ports
     * @param redisUri a Redis to use, or {@code null} to start one
     * @param ttl      each node's key lifetime in Redis: a crashed node's people leave within it
     * @param linger   how long a person without a connection still shows
     * @param interval heartbeat interval for the people
     * @param timeout  heartbeat timeout for the people
     * @param healthPort the first node's health port (counting up), 0 for free ports, -1 for none
     * @param drain    how long a node stopped with SIGTERM spreads its closes over
     */
    public record Config(int nodes, int basePort, @Nullable String redisUri, Duration ttl, Duration linger,
                         Duration interval, Duration timeout, int healthPort, Duration drain) {
    }

    private final @Nullable EmbeddedRedis embedded;
    private final String redisUri;
    private final List<Node> nodes = new ArrayList<>();

    private ChatCluster(@Nullable EmbeddedRedis embedded, String redisUri) {
        this.embedded = embedded;
        this.redisUri = redisUri;
    }

    /** Starts Redis if needed, then every node; returns once every node listens. */
    public static ChatCluster start(Config config, PrintStream out) throws IOException, InterruptedException {
        EmbeddedRedis embedded = config.redisUri() == null ? EmbeddedRedis.start() : null;
        String uri = embedded != null ? embedded.uri() : config.redisUri();
        out.println("redis: " + uri + (embedded != null ? " (embedded, stops with the cluster)" : ""));
        ChatCluster cluster = new ChatCluster(embedded, uri);
        List<CompletableFuture<Node>> starting = new ArrayList<>();
        try {
            for (int i = 1; i <= config.nodes(); i++) {
                starting.add(startNode(config, uri, "node-" + i,
                        config.basePort() == 0 ? 0 : config.basePort() + i - 1, out));
            }
            for (CompletableFuture<Node> node : starting) { // all JVMs start at once; wait for each to listen
                cluster.nodes.add(await(node));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            starting.forEach(f -> f.thenAccept(n -> n.process().destroyForcibly()));
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static CompletableFuture<Node> startNode(Config config, String uri, String id, int port,
                                                     PrintStream out) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.vigil.examples.Main", "chat", "node", "--redis", uri, "--node-id", id,
                "--port", Integer.toString(port), "--ttl", config.ttl().toMillis() + "ms",
                "--linger", config.linger().toMillis() + "ms", "--interval", config.interval().toMillis() + "ms",
                "--timeout", config.timeout().toMillis() + "ms", "--drain", config.drain().toMillis() + "ms",
                "--health-port", Integer.toString(config.healthPort() <= 0 ? config.healthPort()
                        : config.healthPort() + Integer.parseInt(id.substring(id.indexOf('-') + 1)) - 1))
                .redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Node> listening = new CompletableFuture<>();
        Thread.ofVirtual().name("chat-cluster-" + id + "-output").start(() -> {
            try {
                String line;
                while ((line = lines.readLine()) != null) {
                    out.println("[" + id + "] " + line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(new Node(id, Integer.parseInt(m.group(1)), p));
                    }
                }
            } catch (IOException e) {
                // the node died; its output ends here
            }
            listening.completeExceptionally(new IOException(id + " exited before it listened"));
        });
        listening.orTimeout(60, TimeUnit.SECONDS).whenComplete((node, error) -> {
            if (error != null) {
                p.destroyForcibly();
            }
        });
        return listening;
    }

    private static Node await(CompletableFuture<Node> node) throws IOException, InterruptedException {
        try {
            return node.get();
        } catch (ExecutionException e) {
            throw new IOException("a node did not start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** {@return the nodes, in the order they were started} */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** {@return the Redis the nodes share} */
    public String redisUri() {
        return redisUri;
    }

    /** Kills a node as {@code kill -9} would: no goodbye to its people, none to Redis. */
    public void crash(Node node) throws InterruptedException {
        node.process().destroyForcibly();
        node.process().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            node.process().destroy(); // SIGTERM: the node's shutdown hook closes it cleanly
        }
        for (Node node : nodes) {
            try {
                if (!node.process().waitFor(10, TimeUnit.SECONDS)) {
                    node.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
