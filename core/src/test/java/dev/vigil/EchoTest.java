package dev.vigil;

import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EchoTest {
    private final List<ConnectionManager<?>> managers = new ArrayList<>();

    @AfterEach
    void closeManagers() {
        managers.forEach(ConnectionManager::close);
    }

    private <M> ConnectionManager<M> manager(ConnectionManager.Builder<M> builder) {
        ConnectionManager<M> m = builder.build();
        managers.add(m);
        return m;
    }

    private static <M> ConnectionListener<M> echo() {
        return new ConnectionListener<>() {
            @Override
            public void onMessage(Connection<M> connection, M message) {
                connection.send(message);
            }
        };
    }

    @Test
    void clientGetsItsMessagesEchoedInOrder() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8()).listener(echo()));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        RecordingListener<String> recorder = new RecordingListener<>();
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8()).listener(recorder));

        Connection<String> connection = client.connect(address);
        recorder.next(RecordingListener.Open.class);
        for (int i = 0; i < 50; i++) {
            connection.send("message " + i + " ünïcødé ✓");
        }
        for (int i = 0; i < 50; i++) {
            assertEquals("message " + i + " ünïcødé ✓", recorder.next(RecordingListener.Message.class).message());
        }
        recorder.assertNoMore();
        assertTrue(connection.isClient());
        assertEquals(ConnectionState.ACTIVE, connection.state());
    }

    @Test
    void aThousandConcurrentClientsEachGetTheirOwnEchoes() throws Exception {
        ConnectionManager<byte[]> server = manager(ConnectionManager.builder(MessageCodec.bytes()).listener(echo()));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        int clients = 1000;
        int perClient = 5;
        ConcurrentHashMap<Long, CountDownLatch> latches = new ConcurrentHashMap<>();
        ConcurrentHashMap<Long, List<Integer>> received = new ConcurrentHashMap<>();
        ConnectionManager<byte[]> client = manager(ConnectionManager.builder(MessageCodec.bytes())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        // Each echo names its connection and sequence, so a cross-wired echo is caught.
                        long id = java.nio.ByteBuffer.wrap(message).getLong();
                        int seq = java.nio.ByteBuffer.wrap(message).getInt(8);
                        assertEquals(connection.id(), id);
                        received.get(id).add(seq);
                        latches.get(id).countDown();
                    }
                }));
        List<Future<Connection<byte[]>>> opening = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                opening.add(executor.submit(() -> client.connect(address)));
            }
            for (Future<Connection<byte[]>> f : opening) {
                Connection<byte[]> c = f.get();
                latches.put(c.id(), new CountDownLatch(perClient));
                received.put(c.id(), java.util.Collections.synchronizedList(new ArrayList<>()));
            }
        }
        assertEquals(clients, client.connections().size());
        for (Connection<byte[]> c : client.connections()) {
            for (int seq = 0; seq < perClient; seq++) {
                c.send(java.nio.ByteBuffer.allocate(12).putLong(c.id()).putInt(seq).array());
            }
        }
        for (var entry : latches.entrySet()) {
            assertTrue(entry.getValue().await(30, TimeUnit.SECONDS), "echoes of connection " + entry.getKey());
            assertEquals(List.of(0, 1, 2, 3, 4), received.get(entry.getKey()));
        }
        assertEquals(clients, server.connections().size());
    }

    @Test
    void callbacksComeInOrderFromOpenToClose() throws Exception {
        RecordingListener<String> serverEvents = new RecordingListener<>();
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8())
                .listener(serverEvents));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        RecordingListener<String> clientEvents = new RecordingListener<>();
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8())
                .listener(clientEvents));

        Connection<String> connection = client.connect(address);
        assertEquals(connection, clientEvents.next(RecordingListener.Open.class).connection());
        Connection<?> accepted = serverEvents.next(RecordingListener.Open.class).connection();
        connection.send("one");
        connection.send("two");
        connection.send("three").get(5, TimeUnit.SECONDS);
        assertEquals("one", serverEvents.next(RecordingListener.Message.class).message());
        assertEquals("two", serverEvents.next(RecordingListener.Message.class).message());
        assertEquals("three", serverEvents.next(RecordingListener.Message.class).message());
        connection.close();

        CloseReason serverSide = serverEvents.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.CLOSED_BY_PEER, serverSide.kind());
        assertTrue(serverSide.remote());
        CloseReason clientSide = clientEvents.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, clientSide.kind());
        assertEquals(ConnectionState.CLOSED, connection.state());
        assertEquals(ConnectionState.CLOSED, accepted.state());
        assertTrue(server.connections().isEmpty());
        serverEvents.assertNoMore();
        clientEvents.assertNoMore();
    }

    @Test
    void aCallbackThatThrowsIsReportedAndTheConnectionCarriesOn() throws Exception {
        RecordingListener<String> recorder = new RecordingListener<>();
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        if (message.equals("boom")) {
                            throw new IllegalStateException("listener bug");
                        }
                        connection.send(message);
                    }
                }));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8()).listener(recorder));
        Connection<String> connection = client.connect(address);
        recorder.next(RecordingListener.Open.class);

        connection.send("before");
        connection.send("boom");
        connection.send("after");
        assertEquals("before", recorder.next(RecordingListener.Message.class).message());
        assertEquals("after", recorder.next(RecordingListener.Message.class).message());
        assertEquals(ConnectionState.ACTIVE, connection.state());
    }

    @Test
    void onErrorHearsWhatAnotherCallbackThrew() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        throw new IllegalArgumentException(message);
                    }

                    @Override
                    public void onError(Connection<String> connection, Throwable error) {
                        seen.complete(error);
                    }
                }));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8()));
        client.connect(address).send("bad input");
        Throwable error = seen.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IllegalArgumentException.class, error);
        assertEquals("bad input", error.getMessage());
    }

    @Test
    void sendFutureCompletesOnceTheFrameIsWritten() throws Exception {
        RecordingListener<byte[]> serverEvents = new RecordingListener<>();
        ConnectionManager<byte[]> server = manager(ConnectionManager.builder(MessageCodec.bytes())
                .listener(serverEvents));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<byte[]> client = manager(ConnectionManager.builder(MessageCodec.bytes()));
        Connection<byte[]> connection = client.connect(address);

        connection.send(new byte[]{1, 2, 3}).get(5, TimeUnit.SECONDS);
        serverEvents.next(RecordingListener.Open.class);
        assertArrayEquals(new byte[]{1, 2, 3},
                (byte[]) serverEvents.next(RecordingListener.Message.class).message());
        assertTrue(connection.stats().framesOut() >= 1);
        assertTrue(connection.stats().bytesOut() >= 8 + 3);
    }

    @Test
    void sendFuturesFailWithTheCloseReasonWhenTheConnectionEndsFirst() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ConnectionManager<byte[]> server = manager(ConnectionManager.builder(MessageCodec.bytes())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        try {
                            release.await(); // stop reading, so the client's socket buffers fill
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                .maxQueuedMessages(100_000).build();
        Connection<byte[]> connection = client.connect(address);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        byte[] payload = new byte[16 * 1024];
        for (int i = 0; i < 2000; i++) { // 32 MiB: far more than the socket buffers hold
            sends.add(connection.send(payload));
        }
        client.shutdown(Duration.ZERO);
        release.countDown();

        int written = 0;
        int failed = 0;
        for (CompletableFuture<Void> send : sends) {
            assertTrue(send.isDone(), "every send future has settled when shutdown returns");
            if (send.isCompletedExceptionally()) {
                ExecutionException e = assertThrows(ExecutionException.class, send::get);
                ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, e.getCause());
                assertEquals(CloseReason.Kind.SHUTDOWN, closed.reason().kind());
                failed++;
            } else {
                written++;
            }
        }
        assertTrue(failed > 0, "some sends were still queued at shutdown");
        assertEquals(2000, written + failed);
        assertEquals(CloseReason.Kind.SHUTDOWN, connection.closeReason().kind());
        ConnectionClosedException after = assertInstanceOf(ConnectionClosedException.class,
                assertThrows(ExecutionException.class, () -> connection.send(payload).get()).getCause());
        assertEquals(CloseReason.Kind.SHUTDOWN, after.reason().kind());
    }

    @Test
    void broadcastReachesEveryOpenConnectionAndCountsThem() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8()));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        Set<Long> heard = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(3);
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        if (message.equals("hello all") && heard.add(connection.id())) {
                            all.countDown();
                        }
                    }
                }));
        for (int i = 0; i < 3; i++) {
            client.connect(address);
        }
        // The server registers a connection when its side of the handshake completes.
        Await.until(Duration.ofSeconds(10), () -> server.connections().size() == 3, "3 server connections");
        assertEquals(3, server.broadcast("hello all").get(5, TimeUnit.SECONDS));
        assertTrue(all.await(5, TimeUnit.SECONDS));
    }

    @Test
    void anAttachmentGivenToConnectIsInPlaceWhenOnOpenRuns() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8()));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        CompletableFuture<Object> seenInOnOpen = new CompletableFuture<>();
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onOpen(Connection<String> connection) {
                        seenInOnOpen.complete(connection.attachment());
                    }
                }));
        Connection<String> c = client.connect(address, "session-7");
        assertEquals("session-7", seenInOnOpen.get(5, TimeUnit.SECONDS));
        assertEquals("session-7", c.attachment());
    }

    @Test
    void aManagerThatIsShutDownRefusesNewWork() throws Exception {
        ConnectionManager<String> m = ConnectionManager.builder(MessageCodec.utf8()).build();
        assertTrue(m.shutdown(Duration.ofSeconds(1)));
        assertThrows(IllegalStateException.class, () -> m.bind(Loopback.anyPort()));
        assertThrows(IllegalStateException.class, () -> m.connect(Loopback.anyPort()));
    }
}
