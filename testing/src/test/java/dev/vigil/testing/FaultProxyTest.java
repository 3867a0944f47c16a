package dev.vigil.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.FaultProxy.Direction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class FaultProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MIB = 1024 * 1024;

    private EchoServer echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEchoServerBehindProxy() throws IOException {
        echo = new EchoServer();
        proxy = FaultProxy.start(echo.address(), 42);
    }

    @AfterEach
    void stopEverything() throws Exception {
        proxy.close();
        echo.close();
    }

    @Test
    @Timeout(10)
    void bytesArriveIdenticalWithoutToxics() throws Exception {
        byte[] payload = randomBytes(MIB, 1);
        try (Socket client = connect()) {
            assertArrayEquals(payload, roundTrip(client, payload));
        }
    }

    @Test
    @Timeout(10)
    void bytesArriveIdenticalUnderLatencyWithJitter() throws Exception {
        byte[] payload = randomBytes(MIB, 2);
        try (Socket client = connect()) {
            assertTrue(proxy.awaitLinks(1, WAIT));
            // Jitter far wider than the gap between chunks: without order preservation the bytes would shuffle.
            proxy.latency(Direction.BOTH, Duration.ofMillis(1), Duration.ofMillis(5));
            assertArrayEquals(payload, roundTrip(client, payload));
        }
    }

    @Test
    @Timeout(10)
    void latencyDelaysEveryChunkByAtLeastTheBase() throws Exception {
        proxy.latency(Direction.BOTH, Duration.ofMillis(100), Duration.ZERO);
        byte[] ping = "ping".getBytes(US_ASCII);
        try (Socket client = connect()) {
            long start = System.nanoTime();
            assertArrayEquals(ping, roundTrip(client, ping));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= Duration.ofMillis(200).toNanos(), "round trip took only " + elapsed + " ns");
        }
    }

    @Test
    @Timeout(10)
    void bandwidthLimitStretchesTheTransferToAtLeastSizeOverRate() throws Exception {
        long bytesPerSecond = 512 * 1024;
        byte[] payload = randomBytes(256 * 1024, 3);
        proxy.bandwidth(Direction.UPSTREAM, bytesPerSecond);
        try (Socket client = connect()) {
            long start = System.nanoTime();
            byte[] received = roundTrip(client, payload);
            long elapsed = System.nanoTime() - start;
            assertArrayEquals(payload, received);
            long minimum = TimeUnit.SECONDS.toNanos(payload.length) / bytesPerSecond;
            assertTrue(elapsed >= minimum, "took " + elapsed + " ns, the rate allows no less than " + minimum);
        }
    }

    @Test
    @Timeout(10)
    void bytesArriveIdenticalWhenSlicedIntoSingleBytes() throws Exception {
        byte[] payload = randomBytes(16 * 1024, 4);
        try (Socket client = connect()) {
            assertTrue(proxy.awaitLinks(1, WAIT));
            proxy.sliceBytes(Direction.BOTH);
            assertArrayEquals(payload, roundTrip(client, payload));
        }
    }

    @Test
    @Timeout(10)
    void slicedBytesReachTheReceiverInManySmallReads() throws Exception {
        byte[] burst = randomBytes(40, 5);
        proxy.sliceBytes(Direction.DOWNSTREAM, Duration.ofMillis(2));
        try (Socket client = connect()) {
            client.getOutputStream().write(burst);
            InputStream in = client.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            List<Integer> readSizes = new ArrayList<>();
            byte[] buffer = new byte[8192];
            while (received.size() < burst.length) {
                int n = in.read(buffer);
                assertTrue(n > 0, "stream ended early");
                received.write(buffer, 0, n);
                readSizes.add(n);
            }
            assertArrayEquals(burst, received.toByteArray());
            // The echo server answers in one write; the slicer must turn it into (nearly) one read per byte.
            assertTrue(readSizes.size() >= burst.length / 2, "read sizes: " + readSizes);
        }
    }

    @Test
    @Timeout(10)
    void blackholeSwallowsBytesWhileTheConnectionStaysOpen() throws Exception {
        byte[] swallowed = "swallowed".getBytes(US_ASCII);
        byte[] flowing = "flowing again".getBytes(US_ASCII);
        try (Socket client = connect()) {
            assertTrue(proxy.awaitLinks(1, WAIT));
            proxy.blackhole(Direction.UPSTREAM);
            client.getOutputStream().write(swallowed);
            client.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            assertFalse(client.isClosed());
            assertEquals(1, proxy.activeLinks());

            proxy.clearToxics();
            client.setSoTimeout((int) WAIT.toMillis());
            client.getOutputStream().write(flowing);
            assertArrayEquals(flowing, client.getInputStream().readNBytes(flowing.length));
            // The server got only what was sent after the blackhole lifted.
            assertArrayEquals(flowing, echo.awaitReceived(flowing.length));
        }
    }

    @Test
    @Timeout(10)
    void cutAfterDeliversExactlyTheBudgetThenEndsTheStream() throws Exception {
        byte[] payload = randomBytes(8192, 6);
        proxy.cutAfter(Direction.DOWNSTREAM, 1000);
        try (Socket client = connect()) {
            client.getOutputStream().write(payload);
            assertArrayEquals(Arrays.copyOf(payload, 1000), readUntilEndOrReset(client.getInputStream()));
            assertTrue(proxy.awaitLinks(0, WAIT));
        }
    }

    @Test
    @Timeout(10)
    void halfCloseDownstreamGivesTheClientEofWhileUpstreamKeepsWorking() throws Exception {
        byte[] upstreamOnly = "still heard".getBytes(US_ASCII);
        try (Socket client = connect()) {
            assertTrue(proxy.awaitLinks(1, WAIT));
            proxy.halfClose(Direction.DOWNSTREAM);
            assertEquals(-1, client.getInputStream().read());

            client.getOutputStream().write(upstreamOnly);
            assertArrayEquals(upstreamOnly, echo.awaitReceived(upstreamOnly.length));
            assertEquals(1, proxy.activeLinks());
        }
    }

    @Test
    @Timeout(10)
    void resetAllMakesTheClientSeeAConnectionReset() throws Exception {
        byte[] ping = "ping".getBytes(US_ASCII);
        try (Socket client = connect()) {
            assertArrayEquals(ping, roundTrip(client, ping));
            proxy.resetAll();
            SocketException reset = assertThrows(SocketException.class, () -> client.getInputStream().read());
            assertTrue(String.valueOf(reset.getMessage()).toLowerCase(Locale.ROOT).contains("reset"),
                    () -> "expected a reset, got " + reset);
            assertTrue(proxy.awaitLinks(0, WAIT));
        }
    }

    @Test
    @Timeout(10)
    void linksAreCountedWhileLiveAndReleasedOnceBothSidesHangUp() throws Exception {
        assertFalse(proxy.awaitLinks(1, Duration.ofMillis(50)));
        try (Socket first = connect(); Socket second = connect()) {
            assertTrue(proxy.awaitLinks(2, WAIT));
            assertEquals(2, proxy.activeLinks());
            // The client's FIN travels up, the echo server hangs up in turn, and its FIN travels back down.
            first.shutdownOutput();
            assertEquals(-1, first.getInputStream().read());
            assertTrue(proxy.awaitLinks(1, WAIT));
            byte[] ping = "ping".getBytes(US_ASCII);
            assertArrayEquals(ping, roundTrip(second, ping));
        }
        assertTrue(proxy.awaitLinks(0, WAIT));
    }

    @Test
    @Timeout(10)
    void closeTearsDownEveryLinkWithoutHanging() throws Exception {
        int count = 200;
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                clients.add(connect());
            }
            assertTrue(proxy.awaitLinks(count, WAIT));
            proxy.close();
            assertEquals(0, proxy.activeLinks());
            for (Socket client : clients) {
                assertArrayEquals(new byte[0], readUntilEndOrReset(client.getInputStream()));
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(proxy.address(), (int) WAIT.toMillis());
        // A safety net: a proxy bug should fail the read, not park the test until its @Timeout.
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** Sends and receives concurrently, since neither side could buffer a large payload while the other waits. */
    private static byte[] roundTrip(Socket socket, byte[] payload) throws Exception {
        try (ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> sent = sender.submit(() -> {
                socket.getOutputStream().write(payload);
                return null;
            });
            byte[] received = socket.getInputStream().readNBytes(payload.length);
            sent.get();
            return received;
        }
    }

    private static byte[] readUntilEndOrReset(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // A reset ends the stream just as well as EOF here.
        }
        return received.toByteArray();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Echoes every connection back and keeps a copy of everything it received. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;
        private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
        private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        private final Thread acceptor;

        EchoServer() throws IOException {
            server = new ServerSocket(0, 1024, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
            acceptor = Thread.ofVirtual().name("echo-accept").start(this::acceptLoop);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        }

        /** Waits for exactly {@code size} received bytes, however the network chunked them. */
        byte[] awaitReceived(int size) throws InterruptedException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (bytes.size() < size) {
                byte[] chunk = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (chunk == null) {
                    break;
                }
                bytes.writeBytes(chunk);
            }
            return bytes.toByteArray();
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket connection = server.accept();
                    connections.add(connection);
                    Thread.ofVirtual().name("echo").start(() -> echo(connection));
                }
            } catch (IOException e) {
                // The server was closed.
            }
        }

        private void echo(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    received.add(Arrays.copyOf(buffer, n));
                    connection.getOutputStream().write(buffer, 0, n);
                }
            } catch (IOException e) {
                // The proxy cut or reset the connection; that is what several tests are after.
            } finally {
                connections.remove(connection);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket connection : connections) {
                connection.close();
            }
            try {
                acceptor.join(WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
