package dev.vigil.benchmarks;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.redis.RedisBackplane;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Broadcast throughput: one node with every receiver on it, next to two nodes on a real Redis (the
 * {@code vigil-redis} backplane) with the receivers split between them. The same number of receiving client
 * connections either way. Each call broadcasts one message from the first node and keeps at most {@code window}
 * broadcasts not yet received by every receiver, so the score (broadcasts per second; deliveries per second are
 * that times {@code 2 * clientsPerNode}) is the sustained rate, not the rate at which queues fill.
 *
 * <p>Two nodes pay one Redis PUBLISH per broadcast, Redis's fan-out to the second node's subscriber connection, and
 * a decode there; one node pays none of it. Redis runs on this machine, so the loopback round trip is in it, the
 * network is not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class BroadcastBenchmark {
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Param({"one-node", "two-nodes-redis"})
    public String topology;

    @Param({"64"})
    public int payload;

    @Param({"8"})
    public int clientsPerNode;

    @Param({"64"})
    public int window;

    private final AtomicLong received = new AtomicLong();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ConnectionManager<byte[]> sender;
    private byte[] message;
    private long sent;
    private int receivers;
    private Process redis;

    @Setup(Level.Trial)
    public void start() throws Exception {
        message = new byte[payload];
        Arrays.fill(message, (byte) 'x');
        receivers = 2 * clientsPerNode;
        HeartbeatPolicy quiet = HeartbeatPolicy.fixed(Duration.ofSeconds(30), Duration.ofSeconds(90));
        ConnectionManager<byte[]> clients = ConnectionManager.builder(MessageCodec.bytes()).heartbeat(quiet)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> c, byte[] m) {
                        received.incrementAndGet();
                    }
                }).build();
        toClose.add(clients);
        List<ConnectionManager<byte[]>> servers = new ArrayList<>();
        if (topology.equals("one-node")) {
            servers.add(server(null, quiet));
        } else {
            int port = startRedis();
            for (String node : List.of("one", "two")) {
                RedisBackplane backplane = RedisBackplane.builder("redis://127.0.0.1:" + port).nodeId(node).build();
                toClose.add(backplane);
                servers.add(server(backplane, quiet));
            }
        }
        sender = servers.getFirst();
        for (int i = 0; i < receivers; i++) {
            ConnectionManager<byte[]> to = servers.get(i % servers.size());
            clients.connect(to.boundAddresses().getFirst());
        }
        for (ConnectionManager<byte[]> server : servers) {
            int expected = receivers / servers.size();
            long deadline = System.nanoTime() + STALL_NANOS;
            while (server.connections().size() < expected) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(server + ": " + server.connections().size() + " of " + expected);
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    private ConnectionManager<byte[]> server(RedisBackplane backplane, HeartbeatPolicy quiet) throws IOException {
        ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes()).heartbeat(quiet)
                .backplane(backplane).shutdownGrace(Duration.ofSeconds(1)).build();
        toClose.add(server);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }

    @Benchmark
    public long broadcast() {
        sender.broadcast(message);
        sent++;
        long needed = (sent - window) * receivers;
        long deadline = 0;
        while (received.get() < needed) {
            if (deadline == 0) {
                deadline = System.nanoTime() + STALL_NANOS;
            } else if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("broadcasts stopped arriving: " + received.get() + " of " + needed
                        + " deliveries (pub/sub is at most once: was one lost?)");
            }
            Thread.onSpinWait();
        }
        return sent;
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A redis-server on a free loopback port: the PATH's, else embedded-redis's; returns the port. */
    private int startRedis() throws IOException {
        Path binary = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "redis-server"))) {
                binary = Path.of(dir, "redis-server");
                break;
            }
        }
        if (binary == null) {
            File extracted = ExecutableProvider.newJarResourceProvider().get();
            if (!extracted.canExecute() && !extracted.setExecutable(true)) {
                throw new IOException("cannot make " + extracted + " executable");
            }
            binary = extracted.toPath();
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        redis = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + STALL_NANOS;
        while (System.nanoTime() - deadline < 0 && redis.isAlive()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                if (new String(s.getInputStream().readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    return port;
                }
            } catch (IOException e) {
                LockSupport.parkNanos(10_000_000);
            }
        }
        throw new IOException("redis-server did not start on port " + port);
    }
}
