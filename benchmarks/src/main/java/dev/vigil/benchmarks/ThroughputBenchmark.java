package dev.vigil.benchmarks;

import dev.vigil.benchmarks.transport.EchoTransport;
import dev.vigil.benchmarks.transport.EchoTransport.Client;
import dev.vigil.benchmarks.transport.EchoTransport.EchoListener;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Control;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Echo throughput over loopback. Each of {@code connections} client connections keeps {@code window} frames of
 * {@code payload} bytes in flight: every echo it receives is counted and answered with a new frame. The load runs
 * on the implementation's own threads; the benchmark method only samples the counters, as gRPC's streaming
 * ping-pong benchmark does, so JMH's primary score (calls per second) means nothing.
 *
 * <p>The figures are the {@link Counters}: {@code messages} (echoes received per second, from every connection) and
 * {@code cpuNanos} (CPU nanoseconds the whole process used per second, client and server side together); the report
 * divides the two into messages per CPU-second. Run with {@code -prof gc} for allocation per message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
public class ThroughputBenchmark {
    /** How long the benchmark method sleeps between samples of the counters. */
    private static final long SAMPLE_MILLIS = 20;

    /**
     * {@code vigil-sessions}: Vigil with a {@code SessionPolicy} on both sides, next to plain {@code vigil};
     * {@code socket-virtual}: the {@code socket} floor on virtual threads.
     */
    @Param({"vigil", "vigil-sessions", "netty", "socket", "socket-virtual"})
    public String impl;

    @Param({"64", "1024"})
    public int payload;

    @Param({"1", "16", "256", "1024"})
    public int connections;

    @Param({"1", "16"})
    public int window;

    private final LongAdder echoed = new LongAdder();
    private final List<Client> clients = new ArrayList<>();
    private EchoTransport transport;
    private volatile boolean running;

    @Setup(Level.Trial)
    public void start() throws Exception {
        try {
            byte[] message = new byte[payload];
            Arrays.fill(message, (byte) 'x');
            transport = EchoTransport.of(impl);
            InetSocketAddress server = transport.startServer(null, EchoTransport.ServerEvents.NONE);
            EchoListener listener = (client, length) -> {
                echoed.increment();
                if (running) {
                    client.send(message);
                }
            };
            for (int i = 0; i < connections; i++) {
                clients.add(transport.connect(server, null, listener));
            }
            running = true;
            for (Client c : clients) {
                for (int i = 0; i < window; i++) {
                    c.send(message);
                }
                c.flush();
            }
        } catch (Exception | Error e) {
            stop(); // JMH tears down only what was set up in full
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        running = false;
        if (transport != null) {
            transport.close();
        }
    }

    /**
     * The figures, counted over JMH's measured window, which runs from the start of the first measured call to the
     * end of the last (JMH zeroes them after the iteration's setup, and divides them by the window's length). A call
     * counts if it started while JMH was measuring: JMH flags the end of measurement while the last call may still
     * be running, and that call is inside its window.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Echoes received, by every connection. */
        public long messages;
        /** CPU time used by the process, in nanoseconds. */
        public long cpuNanos;
        private boolean started;
        private boolean counting;
        private long messages0;
        private long cpu0;

        @Setup(Level.Iteration)
        public void reset() {
            started = false;
        }

        @TearDown(Level.Iteration)
        public void check() {
            if (started && messages == 0) {
                throw new IllegalStateException("not one echo in a whole iteration: the load stalled");
            }
        }

        void begin(ThroughputBenchmark bench, Control control) {
            counting = control.startMeasurement && !control.stopMeasurement;
            if (counting && !started) {
                started = true;
                messages0 = bench.echoed.sum();
                cpu0 = Jvm.processCpuNanos();
            }
        }

        void end(ThroughputBenchmark bench) {
            if (counting) {
                messages = bench.echoed.sum() - messages0;
                cpuNanos = Jvm.processCpuNanos() - cpu0;
            }
        }
    }

    /**
     * Samples the counters.
     *
     * @param counters the counters
     * @param control  JMH's, to tell the measured window
     * @return the messages echoed so far in this iteration
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    public long echo(Counters counters, Control control) throws InterruptedException {
        counters.begin(this, control);
        Thread.sleep(SAMPLE_MILLIS);
        counters.end(this);
        return counters.messages;
    }
}
