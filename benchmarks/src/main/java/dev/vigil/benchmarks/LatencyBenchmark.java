package dev.vigil.benchmarks;

import dev.vigil.benchmarks.transport.EchoTransport;
import dev.vigil.benchmarks.transport.EchoTransport.Client;
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

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Request and response on one connection: the benchmark thread sends a frame and parks until the client's I/O
 * thread has received its echo and unparked it. Every invocation is timed (JMH SampleTime); the report gives p50,
 * p99 and p99.9. {@code -p impl=vigil-spin} measures Vigil with {@code readSpin} on both sides (docs/tuning.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class LatencyBenchmark {
    @Param({"vigil", "netty", "socket"})
    public String impl;

    @Param({"64"})
    public int payload;

    private final Reply reply = new Reply();
    private EchoTransport transport;
    private Client client;
    private byte[] message;

    @Setup(Level.Trial)
    public void start() throws Exception {
        try {
            message = new byte[payload];
            Arrays.fill(message, (byte) 'x');
            transport = EchoTransport.of(impl);
            client = transport.connect(transport.startServer(null, EchoTransport.ServerEvents.NONE), null, reply);
        } catch (Exception | Error e) {
            stop(); // JMH tears down only what was set up in full
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (transport != null) {
            transport.close();
        }
    }

    /**
     * One round trip.
     *
     * @return the message that was echoed
     * @throws TimeoutException if the echo did not come within 10 s
     */
    @Benchmark
    public byte[] roundTrip() throws TimeoutException {
        reply.roundTrip(client, message);
        return message;
    }
}
