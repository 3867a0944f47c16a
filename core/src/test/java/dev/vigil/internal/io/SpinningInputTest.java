package dev.vigil.internal.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spinning input on a real loopback socket pair, its spin measured on a clock the test moves. */
@Timeout(30)
class SpinningInputTest {
    private static final long SPIN = TimeUnit.MILLISECONDS.toNanos(5);

    private final AtomicLong now = new AtomicLong();
    private final AtomicLong clockReads = new AtomicLong();
    private ServerSocket listener;
    private Socket reading;
    private Socket writing;

    private void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        reading = new Socket();
        reading.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
        writing = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {writing, reading, listener}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    private InputStream spinning() throws IOException {
        InputStream in = reading.getInputStream();
        return new SpinningInput(in, in, SPIN, () -> {
            clockReads.incrementAndGet();
            return now.get();
        });
    }

    /** Reads into a fresh 1 KiB buffer on a virtual thread; the future has what came, or the failure. */
    private static CompletableFuture<byte[]> readOnVirtualThread(InputStream in, Thread[] thread) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        thread[0] = Thread.ofVirtual().name("spinning-reader").start(() -> {
            try {
                byte[] b = new byte[1024];
                int n = in.read(b, 0, b.length);
                result.complete(n < 0 ? new byte[0] : Arrays.copyOf(b, n));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting until " + what);
            Thread.sleep(1); // polling a condition with a deadline, not standing in for it
        }
    }

    @Test
    void deliversTheSameBytesAsTheSocket() throws Exception {
        connect();
        InputStream in = SpinningInput.wrap(reading.getInputStream(), reading.getInputStream(), SPIN);
        byte[] sent = new byte[100_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31 + 7);
        }
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = writing.getOutputStream()) {
                out.write(sent, 0, 3);
                out.flush();
                out.write(sent, 3, sent.length - 3);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] received = in.readAllBytes(); // to the FIN, which a spin sees as nothing waiting
        writer.get(10, TimeUnit.SECONDS);
        assertArrayEquals(sent, received);
        assertEquals(-1, in.read());
    }

    @Test
    void spinsUntilItsDurationHasPassedThenBlocksInTheRead() throws Exception {
        connect();
        Thread[] thread = new Thread[1];
        CompletableFuture<byte[]> read = readOnVirtualThread(spinning(), thread);

        long reads = clockReads.get();
        await(() -> clockReads.get() > reads + 1_000, "the reader polls, spinning");
        assertEquals(Thread.State.RUNNABLE, thread[0].getState());
        assertFalse(read.isDone());

        now.addAndGet(SPIN); // the spin is over: the reader goes into the blocking read and parks
        await(() -> thread[0].getState() == Thread.State.WAITING, "the reader parks in the read");
        long parkedAt = clockReads.get();
        assertFalse(read.isDone());

        writing.getOutputStream().write(new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, read.get(10, TimeUnit.SECONDS));
        assertEquals(parkedAt, clockReads.get(), "no more polls once blocked in the read");
    }

    @Test
    void bytesThatArriveWhileItSpinsAreReadWithoutBlocking() throws Exception {
        connect();
        Thread[] thread = new Thread[1];
        CompletableFuture<byte[]> read = readOnVirtualThread(spinning(), thread);
        long reads = clockReads.get();
        await(() -> clockReads.get() > reads + 1_000, "the reader polls, spinning");

        writing.getOutputStream().write(new byte[] {9, 8});
        assertArrayEquals(new byte[] {9, 8}, read.get(10, TimeUnit.SECONDS)); // the clock never moved
    }

    @Test
    void closingTheSocketWhileItSpinsEndsTheRead() throws Exception {
        connect();
        Thread[] thread = new Thread[1];
        CompletableFuture<byte[]> read = readOnVirtualThread(spinning(), thread);
        long reads = clockReads.get();
        await(() -> clockReads.get() > reads + 1_000, "the reader polls, spinning");

        reading.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
        assertInstanceOf(SocketException.class, e.getCause());
    }

    @Test
    void bytesWaitingOnTheProbeEndTheSpin() throws Exception {
        // With TLS the encrypted bytes wait on the TCP socket (the probe) while the input read has none decoded yet.
        connect();
        writing.getOutputStream().write(new byte[] {5});
        InputStream probe = reading.getInputStream();
        await(() -> available(probe) > 0, "the byte reaches the probe");
        InputStream nothingDecoded = new ByteArrayInputStream(new byte[] {42}) {
            @Override
            public synchronized int available() {
                return 0;
            }
        };
        InputStream in = new SpinningInput(nothingDecoded, probe, SPIN, () -> {
            clockReads.incrementAndGet();
            return now.get();
        });
        assertEquals(42, in.read()); // the clock never moved: only the probe could have ended the spin
    }

    @Test
    void aZeroSpinLeavesTheInputAsItIs() throws Exception {
        connect();
        InputStream in = reading.getInputStream();
        assertSame(in, SpinningInput.wrap(in, in, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpinningInput(in, in, -1, System::nanoTime));
        assertEquals("spinNanos: -1 (expected: more than zero)", e.getMessage());
    }

    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
