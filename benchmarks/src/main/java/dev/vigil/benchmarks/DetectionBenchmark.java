package dev.vigil.benchmarks;

import dev.vigil.benchmarks.transport.EchoTransport;
import dev.vigil.benchmarks.transport.EchoTransport.Client;
import dev.vigil.benchmarks.transport.EchoTransport.Heartbeat;
import dev.vigil.testing.FaultProxy;
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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Dead-peer detection: how long after a peer goes silent, with its connection left open, the server closes it for
 * heartbeat timeout. One trial per invocation: a fresh client connects through a {@link FaultProxy}; the timed
 * part sends one message and waits for its echo (the peer's last sign of life), mutes the proxy, and waits for the
 * server to close the connection with a heartbeat timeout. Every trial is timed (JMH SampleTime); four threads run
 * trials side by side to fit about 80 of them in a fork of a minute, 240 over {@code bench.sh}'s three rounds (JMH's
 * warm-up iteration runs one trial per thread that is not counted). The report gives the median and the worst next
 * to the configured timeout.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 30)
@Threads(4)
public class DetectionBenchmark {
    private static final byte[] MESSAGE = new byte[64];

    @Param({"vigil", "netty", "socket"})
    public String impl;

    @Param({"1000"})
    public long intervalMs;

    @Param({"3000"})
    public long timeoutMs;

    private final ConcurrentHashMap<Integer, CompletableFuture<Boolean>> closes = new ConcurrentHashMap<>();
    private EchoTransport transport;
    private InetSocketAddress server;
    private Heartbeat heartbeat;

    @Setup(Level.Trial)
    public void start() throws IOException, TimeoutException {
        try {
            heartbeat = new Heartbeat(Duration.ofMillis(intervalMs), Duration.ofMillis(timeoutMs));
            transport = EchoTransport.of(impl);
            server = transport.startServer(heartbeat, new EchoTransport.ServerEvents() {
                @Override
                public void onClose(InetSocketAddress remote, boolean heartbeatTimeout) {
                    closed(remote.getPort()).complete(heartbeatTimeout);
                }
            });
            // Warm the whole path (proxy, both ends, closing) so that no trial pays for class loading: a cold first
            // send can take longer than a short timeout.
            Peer warm = new Peer();
            warm.connect(this);
            for (int i = 0; i < 200; i++) {
                warm.reply.roundTrip(warm.client, MESSAGE);
            }
            warm.client.close();
            warm.proxy.close();
            try {
                closed(warm.port).get(EchoTransport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException(impl + ": the warm-up connection did not close", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            closes.remove(warm.port);
        } catch (Exception | Error e) {
            stop(); // JMH tears down only what was set up in full
            throw e;
        }
    }

    private CompletableFuture<Boolean> closed(int peerPort) {
        return closes.computeIfAbsent(peerPort, p -> new CompletableFuture<>());
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (transport != null) {
            transport.close();
        }
    }

    /** One trial's connection, made before the timed part and closed after it. */
    @State(Scope.Thread)
    public static class Peer {
        private final Reply reply = new Reply();
        private FaultProxy proxy;
        private Client client;
        private int port;

        @Setup(Level.Invocation)
        public void connect(DetectionBenchmark bench) throws IOException {
            proxy = FaultProxy.start(bench.server);
            client = bench.transport.connect(proxy.address(), bench.heartbeat, reply);
            try {
                if (!proxy.awaitLinks(1, EchoTransport.WAIT)) {
                    throw new IOException("proxy: no upstream connection within " + EchoTransport.WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            port = proxy.upstreamAddresses().get(0).getPort();
        }

        @TearDown(Level.Invocation)
        public void close(DetectionBenchmark bench) throws IOException {
            client.close();
            proxy.close();
            bench.closes.remove(port);
        }
    }

    /**
     * One trial.
     *
     * @param peer the trial's connection
     * @return whether the server closed it for heartbeat timeout (always, or the trial fails)
     * @throws Exception if the server did not close it for heartbeat timeout within twice the timeout and 10 s
     */
    @Benchmark
    public boolean silentPeer(Peer peer) throws Exception {
        peer.reply.roundTrip(peer.client, MESSAGE);
        peer.proxy.blackhole(FaultProxy.Direction.BOTH);
        boolean timedOut;
        try {
            timedOut = closed(peer.port).get(2 * timeoutMs + 10_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(impl + ": a silent peer was not closed within 2 x " + timeoutMs
                    + " ms + 10 s", e);
        }
        if (!timedOut) {
            throw new IllegalStateException(impl + ": the silent peer was closed, but not for heartbeat timeout");
        }
        return true;
    }
}
