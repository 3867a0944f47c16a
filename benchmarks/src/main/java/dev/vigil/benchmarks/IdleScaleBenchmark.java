package dev.vigil.benchmarks;

import dev.vigil.benchmarks.transport.EchoTransport;
import dev.vigil.benchmarks.transport.EchoTransport.Heartbeat;
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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What idle connections cost, and whether their heartbeats stay on time: {@code idleConnections} connections that
 * only heartbeat, once a second (PING after 1 s of silence, dead after 3 s). The server side runs in this JVM and is
 * what is measured for heap and threads; the clients run in other JVMs ({@link IdleClients}), at most {@code
 * clientJvmConnections} each, so that every process stays under the limit of open files (20,000 here: 19,000
 * connections take two client JVMs). The benchmark method only samples; JMH's primary score means nothing.
 *
 * <p>The figures: {@link Gauges#heapBytesPerConnection} (server heap after a full GC, less the heap with the server
 * started and no connection, divided by the connections), {@link Gauges#liveThreads} (the server JVM's live platform
 * threads), {@link Gauges#latenessP99Millis} and {@link Gauges#latenessMaxMillis} (heartbeat lateness as the clients
 * saw it over the measured window, see {@link Lateness}), and {@link Cpu} (CPU nanoseconds per second used by the
 * server process and by the client processes, and heartbeat frames per second the clients received, while the
 * connections idle). Gauges are JMH "events", summed over iterations in JMH's score: read their per iteration
 * values (the report averages them, and takes the largest of the maxima).
 *
 * <p>Each iteration starts with full collections (for the heap figure) and then waits one heartbeat interval, so
 * that the heartbeats our own collections held back have arrived before the measured window opens.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 2, time = 5)
@Threads(1)
public class IdleScaleBenchmark {
    private static final long SAMPLE_MILLIS = 100;
    private static final int BATCH = 250;

    @Param({"vigil", "netty", "socket"})
    public String impl;

    @Param({"1000", "9000", "19000"})
    public int idleConnections;

    /** The most connections one client JVM holds. */
    @Param({"9500"})
    public int clientJvmConnections;

    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger timedOut = new AtomicInteger();
    private EchoTransport transport;
    private IdleClients.Fleet clients;
    private long baselineHeap;

    @Setup(Level.Trial)
    public void start() throws Exception {
        try {
            transport = EchoTransport.of(impl);
            InetSocketAddress server = transport.startServer(Heartbeat.ONE_SECOND, new EchoTransport.ServerEvents() {
                @Override
                public void onOpen(InetSocketAddress remote) {
                    open.incrementAndGet();
                }

                @Override
                public void onClose(InetSocketAddress remote, boolean heartbeatTimeout) {
                    open.decrementAndGet();
                    if (heartbeatTimeout) {
                        timedOut.incrementAndGet();
                    }
                }
            });
            baselineHeap = Jvm.usedHeapAfterGc();
            clients = IdleClients.Fleet.start(impl, server, Heartbeat.ONE_SECOND, idleConnections,
                    clientJvmConnections);
            // In batches, each accepted by the server before the next: see IdleClients.
            for (int connected = 0; connected < idleConnections; ) {
                connected = clients.connect(Math.min(BATCH, idleConnections - connected), EchoTransport.WAIT);
                long deadline = System.nanoTime() + EchoTransport.WAIT.toNanos();
                while (open.get() < connected && timedOut.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                checkOpen(connected);
            }
        } catch (Exception | Error e) {
            stop(); // JMH tears down only what was set up in full
            throw e;
        }
    }

    private void checkOpen(int expected) {
        if (open.get() != expected || timedOut.get() != 0) {
            throw new IllegalStateException(impl + " could not keep its idle connections: " + open.get() + " of "
                    + expected + " open on the server side, " + timedOut.get() + " timed out");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (clients != null) {
            clients.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    /** Values read once per iteration, after a full GC, before the measured window: JMH reports them as they are. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Gauges {
        /** Server heap per idle connection, in bytes. */
        public long heapBytesPerConnection;
        /** Live platform threads of the server JVM. */
        public long liveThreads;
        /** Heartbeat lateness that 99% of the heartbeat frames the clients received stayed within, in ms. */
        public long latenessP99Millis;
        /** The largest heartbeat lateness the clients saw, in ms. */
        public long latenessMaxMillis;
    }

    /** CPU time used while the connections idle, per second of JMH's measured window (see ThroughputBenchmark). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Cpu {
        /** CPU nanoseconds used by the server process (this JVM). */
        public long serverCpuNanos;
        /** CPU nanoseconds used by the client processes. */
        public long clientCpuNanos;
        /** Heartbeat frames the clients received (Vigil: reads that brought frames; see EchoListener#onHeartbeat). */
        public long heartbeats;
        private long heapBytesPerConnection;
        private long liveThreads;
        private boolean started;
        private boolean counting;
        private long server0;
        private long client0;

        /**
         * Checks every connection is still open, collects and reads the gauges (JMH zeroes counters after this
         * setup, so the benchmark method copies them in), then lets the heartbeats that the collections held back
         * arrive.
         *
         * @param bench the benchmark
         * @throws InterruptedException if interrupted
         */
        @Setup(Level.Iteration)
        public void start(IdleScaleBenchmark bench) throws InterruptedException {
            bench.checkOpen(bench.idleConnections);
            heapBytesPerConnection = (Jvm.usedHeapAfterGc() - bench.baselineHeap) / bench.idleConnections;
            liveThreads = Jvm.liveThreads();
            started = false;
            Thread.sleep(Heartbeat.ONE_SECOND.interval().toMillis());
        }

        void begin(IdleScaleBenchmark bench, Control control) throws IOException {
            // As in ThroughputBenchmark.Counters: a call counts if it started while JMH was measuring.
            counting = control.startMeasurement && !control.stopMeasurement;
            if (counting && !started) {
                started = true;
                bench.clients.resetLateness();
                server0 = Jvm.processCpuNanos();
                client0 = bench.clients.cpuNanos();
            }
        }

        void end(IdleScaleBenchmark bench, Gauges gauges) throws IOException {
            if (counting) {
                serverCpuNanos = Jvm.processCpuNanos() - server0;
                clientCpuNanos = bench.clients.cpuNanos() - client0;
                long[] lateness = bench.clients.lateness();
                heartbeats = Lateness.total(lateness);
                gauges.latenessP99Millis = Lateness.percentileMillis(lateness, 99);
                gauges.latenessMaxMillis = Lateness.percentileMillis(lateness, 100);
                gauges.heapBytesPerConnection = heapBytesPerConnection;
                gauges.liveThreads = liveThreads;
            }
        }
    }

    /**
     * Lets the connections idle for a while and samples the CPU clocks.
     *
     * @param cpu     the CPU clocks
     * @param gauges  the gauges
     * @param control JMH's, to tell the measured window
     * @return the server-side connections open now
     * @throws InterruptedException if interrupted
     * @throws IOException          if a client process failed
     */
    @Benchmark
    public int idle(Cpu cpu, Gauges gauges, Control control) throws InterruptedException, IOException {
        cpu.begin(this, control);
        Thread.sleep(SAMPLE_MILLIS);
        cpu.end(this, gauges);
        return open.get();
    }
}
