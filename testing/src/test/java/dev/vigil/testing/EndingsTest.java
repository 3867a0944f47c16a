package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways a connection ends are told apart, once each (issue 4): a reset is a reset, a half close delivers what
 * came before it, a frame cut off by the close is never delivered, a graceful close loses nothing.
 */
@Timeout(60)
class EndingsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private <M> ConnectionManager<M> manager(MessageCodec<M> codec, ConnectionListener<M> listener) {
        return closeLater(ConnectionManager.builder(codec)
                .listener(listener)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(30), Duration.ofSeconds(90)))
                .build());
    }

    // =================================================================================================================
    // Reset
    // =================================================================================================================

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"idle", "right after sending data"})
    void aPeersResetIsReportedAsResetExactlyOnce(String when) throws Exception {
        resetRounds(20, when.startsWith("right"), false);
    }

    @Test
    void aPeersResetIsReportedAsResetExactlyOnceWhileTheServerIsBlockedWritingToIt() throws Exception {
        resetRounds(100, false, true);
    }

    /**
     * Rounds of: a raw peer connects, maybe sends DATA, maybe lets the server fill its queue (never reading), then
     * resets. Each must end in exactly one onClose, with RESET, after every DATA frame sent before the reset.
     */
    private void resetRounds(int rounds, boolean sendData, boolean serverWrites) throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        ConnectionManager<byte[]> server = closeLater(ConnectionManager.builder(MessageCodec.bytes())
                .maxQueuedMessages(4)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(30), Duration.ofSeconds(90)))
                .listener(serverWrites ? streamingTo(events) : events)
                .build());
        InetSocketAddress address = server.bind(Loopback.anyPort());
        for (int round = 0; round < rounds; round++) {
            int frames = sendData ? 1 + round % 3 : 0;
            RawPeer peer = new RawPeer(address).handshake();
            Connection<?> connection = events.next(RecordingListener.Open.class).connection();
            for (int i = 0; i < frames; i++) {
                peer.send(RawPeer.frame(RawPeer.DATA, new byte[]{(byte) round, (byte) i}));
            }
            if (serverWrites) {
                // The peer never reads: the server's writer is stuck in a socket write when the reset comes.
                Await.until(WAIT, () -> connection.stats().queuedMessages() >= 4, "the server's queue fills");
            }
            reset(peer);
            for (int i = 0; i < frames; i++) {
                assertArrayEquals(new byte[]{(byte) round, (byte) i},
                        (byte[]) events.next(RecordingListener.Message.class).message(), "round " + round);
            }
            RecordingListener.Close close = events.next(RecordingListener.Close.class);
            assertSame(connection, close.connection());
            assertEquals(CloseReason.Kind.RESET, close.reason().kind(), "round " + round + ": " + close.reason());
            assertFalse(close.reason().remote(), close.reason().toString());
        }
        // Shutting down waits for every connection's last callback: a second onClose would be queued by now.
        server.close();
        events.assertNoMore();
    }

    @Test
    void aResetInTheMiddleOfTheNetworkIsReportedAsResetOnceOnEachSide() throws Exception {
        RecordingListener<String> serverEvents = new RecordingListener<>();
        RecordingListener<String> clientEvents = new RecordingListener<>();
        ConnectionManager<String> server = manager(MessageCodec.utf8(), echo(serverEvents));
        FaultProxy proxy = closeLater(FaultProxy.start(server.bind(Loopback.anyPort())));
        ConnectionManager<String> client = manager(MessageCodec.utf8(), clientEvents);
        for (int round = 0; round < 10; round++) {
            Connection<String> connection = client.connect(proxy.address());
            clientEvents.next(RecordingListener.Open.class);
            serverEvents.next(RecordingListener.Open.class);
            connection.send("round " + round);
            assertEquals("round " + round, serverEvents.next(RecordingListener.Message.class).message());
            assertEquals("round " + round, clientEvents.next(RecordingListener.Message.class).message());

            proxy.resetAll();

            CloseReason atClient = clientEvents.next(RecordingListener.Close.class).reason();
            CloseReason atServer = serverEvents.next(RecordingListener.Close.class).reason();
            assertEquals(CloseReason.Kind.RESET, atClient.kind(), "client, round " + round + ": " + atClient);
            assertEquals(CloseReason.Kind.RESET, atServer.kind(), "server, round " + round + ": " + atServer);
        }
        client.close();
        server.close();
        clientEvents.assertNoMore();
        serverEvents.assertNoMore();
    }

    // =================================================================================================================
    // Half close (FIN)
    // =================================================================================================================

    @Test
    void everyFrameThatArrivedBeforeAHalfCloseIsDeliveredBeforeOnClose() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        CountDownLatch finSent = new CountDownLatch(1);
        // The first message holds the reader until our FIN is in, so the FIN waits behind the other 99 frames.
        ConnectionListener<byte[]> holdFirst = new Forwarding<>(events) {
            private final AtomicBoolean first = new AtomicBoolean(true);

            @Override
            public void onMessage(Connection<byte[]> connection, byte[] message) {
                if (first.getAndSet(false)) {
                    await(finSent);
                }
                super.onMessage(connection, message);
            }
        };
        InetSocketAddress address = manager(MessageCodec.bytes(), holdFirst).bind(Loopback.anyPort());
        Random random = new Random(42);
        List<byte[]> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            byte[] payload = new byte[random.nextInt(300)];
            random.nextBytes(payload);
            sent.add(payload);
            stream.writeBytes(RawPeer.frame(RawPeer.DATA, payload));
        }
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            peer.send(stream.toByteArray()); // about 15 KiB: fits in the socket buffers while the reader is held
            peer.socket.shutdownOutput();
            finSent.countDown();

            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), (byte[]) events.next(RecordingListener.Message.class).message(),
                        "message " + i);
            }
            CloseReason reason = events.next(RecordingListener.Close.class).reason();
            assertEquals(CloseReason.Kind.CLOSED_BY_PEER, reason.kind(), reason.toString());
            assertFalse(reason.remote(), "a FIN is not a CLOSE frame: " + reason);
            // The server answers a FIN as it would a CLOSE: its own CLOSE frame, then its FIN.
            assertEquals(CloseReason.Kind.CLOSED_BY_PEER.code(), peer.readUntilClose().closeCode());
            assertTrue(peer.sawEndOfStream());
        }
        events.assertNoMore();
    }

    @ParameterizedTest(name = "{0} of the last frame''s 105 bytes arrive, then a {1}")
    @CsvSource({"1, FIN", "4, FIN", "5, FIN", "6, FIN", "55, FIN", "104, FIN", "55, RST"})
    void aFrameCutOffByThePeersCloseIsNeverDelivered(int arrive, String end) throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        InetSocketAddress address = manager(MessageCodec.bytes(), events).bind(Loopback.anyPort());
        byte[] whole = new byte[100];
        java.util.Arrays.fill(whole, (byte) 7);
        byte[] cut = java.util.Arrays.copyOf(RawPeer.frame(RawPeer.DATA, whole), arrive);
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(RawPeer.frame(RawPeer.DATA, new byte[]{1}));
            out.writeBytes(RawPeer.frame(RawPeer.DATA, new byte[]{2, 2}));
            out.writeBytes(cut);
            peer.send(out.toByteArray());
            if (end.equals("RST")) {
                reset(peer);
            } else {
                peer.socket.shutdownOutput();
            }
            assertArrayEquals(new byte[]{1}, (byte[]) events.next(RecordingListener.Message.class).message());
            assertArrayEquals(new byte[]{2, 2}, (byte[]) events.next(RecordingListener.Message.class).message());
            // Next comes the end, never a message made of the partial frame.
            CloseReason reason = events.next(RecordingListener.Close.class).reason();
            // A FIN inside a frame is not a clean close: the reason says how much of the frame arrived.
            assertEquals(end.equals("RST") ? CloseReason.Kind.RESET : CloseReason.Kind.PROTOCOL_ERROR,
                    reason.kind(), reason.toString());
            if (end.equals("FIN")) {
                assertTrue(reason.message().startsWith("peer closed the connection in the middle of a frame: "
                        + arrive + " of the "), reason.message());
            }
        }
        events.assertNoMore();
    }

    // =================================================================================================================
    // Graceful close and CLOSE frames
    // =================================================================================================================

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"directly", "through a link with 30 ms latency"})
    void aClientsGracefulCloseDeliversEverythingItSentBeforeTheServersOnClose(String how) throws Exception {
        RecordingListener<String> serverEvents = new RecordingListener<>();
        RecordingListener<String> clientEvents = new RecordingListener<>();
        InetSocketAddress address = manager(MessageCodec.utf8(), serverEvents).bind(Loopback.anyPort());
        if (how.startsWith("through")) {
            FaultProxy proxy = closeLater(FaultProxy.start(address));
            proxy.latency(FaultProxy.Direction.BOTH, Duration.ofMillis(30), Duration.ZERO);
            address = proxy.address();
        }
        ConnectionManager<String> client = manager(MessageCodec.utf8(), clientEvents);
        Connection<String> connection = client.connect(address);
        clientEvents.next(RecordingListener.Open.class);
        int n = 2000;
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sends.add(connection.send("message " + i + " " + "x".repeat(i % 500)));
        }
        connection.close();
        // close() returns at once; the messages queued before it must still go out ahead of the CLOSE frame.
        assertTrue(connection.send("too late").isCompletedExceptionally(), "a send after close() is refused");

        serverEvents.next(RecordingListener.Open.class);
        for (int i = 0; i < n; i++) {
            assertEquals("message " + i + " " + "x".repeat(i % 500),
                    serverEvents.next(RecordingListener.Message.class).message());
        }
        CloseReason atServer = serverEvents.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.CLOSED_BY_PEER, atServer.kind(), atServer.toString());
        assertTrue(atServer.remote(), "the client said so in a CLOSE frame: " + atServer);
        CloseReason atClient = clientEvents.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, atClient.kind(), atClient.toString());
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        serverEvents.assertNoMore();
        clientEvents.assertNoMore();
    }

    @Test
    void aPeersCloseFrameIsAnsweredWithClosedByPeer() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        InetSocketAddress address = manager(MessageCodec.bytes(), events).bind(Loopback.anyPort());
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            byte[] text = "the client is shutting down".getBytes(StandardCharsets.UTF_8);
            peer.send(RawPeer.frame(RawPeer.CLOSE, ByteBuffer.allocate(2 + text.length)
                    .putShort((short) CloseReason.Kind.SHUTDOWN.code()).put(text).array()));
            int answer = peer.readUntilClose().closeCode();
            peer.socket.shutdownOutput();
            CloseReason reason = events.next(RecordingListener.Close.class).reason();
            assertEquals(CloseReason.Kind.SHUTDOWN, reason.kind(), reason.toString());
            assertTrue(reason.remote(), reason.toString());
            assertEquals("the client is shutting down", reason.message());
            // docs/protocol.md: code 2 is what "the sender is answering the receiver's CLOSE" sends.
            assertEquals(CloseReason.Kind.CLOSED_BY_PEER.code(), answer, "the answer to a CLOSE(SHUTDOWN)");
        }
    }

    @Test
    void theCloseFrameIsTheLastFrameAServerWritesWhenItRefusesAFrame() throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        ConnectionManager<byte[]> server = manager(MessageCodec.bytes(), echo(events));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        for (int round = 0; round < 100; round++) {
            try (RawPeer peer = new RawPeer(address).handshake()) {
                // An echo, a PONG to send, then a frame of an unknown type: CLOSE(PROTOCOL_ERROR) must come last.
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(RawPeer.frame(RawPeer.DATA, new byte[]{1, 2, 3}));
                out.writeBytes(RawPeer.ping(round));
                out.writeBytes(RawPeer.frame((byte) 0x7e, new byte[0]));
                peer.send(out.toByteArray());
                List<Byte> types = new ArrayList<>();
                RawPeer.Frame frame;
                do {
                    frame = peer.read();
                    types.add(frame.type());
                } while (frame.type() != RawPeer.CLOSE);
                assertEquals(CloseReason.Kind.PROTOCOL_ERROR.code(), frame.closeCode());
                ByteArrayOutputStream rest = new ByteArrayOutputStream();
                try {
                    peer.in.transferTo(rest);
                } catch (IOException e) {
                    // a reset after the CLOSE: the server closed with our bytes unread
                }
                assertEquals(0, rest.size(), "round " + round + ": " + rest.size() + " bytes after the CLOSE; frames "
                        + "before it: " + types);
            }
            assertEquals(CloseReason.Kind.PROTOCOL_ERROR, events.await(RecordingListener.Close.class, WAIT)
                    .reason().kind());
        }
    }

    @ParameterizedTest(name = "after {0}")
    @ValueSource(strings = {"a DATA frame the listener answers", "a PING"})
    void aServerThatRefusesAFrameEndsTheConnectionAtOnce(String before) throws Exception {
        RecordingListener<byte[]> events = new RecordingListener<>();
        InetSocketAddress address = manager(MessageCodec.bytes(), echo(events)).bind(Loopback.anyPort());
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(before.startsWith("a PING") ? RawPeer.ping(1) : RawPeer.frame(RawPeer.DATA, new byte[]{1}));
            out.writeBytes(RawPeer.frame((byte) 0x7e, new byte[0]));
            peer.send(out.toByteArray());
            if (!before.startsWith("a PING")) {
                events.next(RecordingListener.Message.class);
            }
            // Nothing is left to wait for: the socket is closed at once, and so onClose comes at once.
            CloseReason reason = events.next(RecordingListener.Close.class, Duration.ofSeconds(1)).reason();
            assertEquals(CloseReason.Kind.PROTOCOL_ERROR, reason.kind(), reason.toString());
        }
    }

    // =================================================================================================================
    // Line mode, as a person with nc sees it
    // =================================================================================================================

    @Test
    void aLineServerAnswersPingWithPongAndEchoesWhatAPersonWithNetcatTypes() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        InetSocketAddress address = manager(MessageCodec.lines(), echo(events)).bind(Loopback.anyPort());
        try (Socket socket = new Socket()) {
            socket.connect(address, 5000);
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            events.next(RecordingListener.Open.class);

            out.write("PING\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("PONG", in.readLine());
            out.write("hello\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("hello", in.readLine());
            out.write("from Windows\r\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("from Windows", in.readLine());
            out.write("ünïcødé ✓\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("ünïcødé ✓", in.readLine());
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("PONG", in.readLine());

            assertEquals("hello", events.next(RecordingListener.Message.class).message());
            assertEquals("from Windows", events.next(RecordingListener.Message.class).message());
            assertEquals("ünïcødé ✓", events.next(RecordingListener.Message.class).message());

            // Ctrl-D: nc half-closes; the server answers with its CLOSE line, as it would a CLOSE, and closes too.
            socket.shutdownOutput();
            assertEquals("CLOSE 2 closing as the peer asked", in.readLine());
            assertNull(in.readLine(), "the server closes after our FIN");
        }
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.CLOSED_BY_PEER, reason.kind(), reason.toString());
        events.assertNoMore();
    }

    // =================================================================================================================

    /** Closes with SO_LINGER 0: the peer's kernel sends a RST instead of a FIN. */
    private static void reset(RawPeer peer) throws IOException {
        peer.socket.setSoLinger(true, 0);
        peer.close();
    }

    private static <M> ConnectionListener<M> echo(RecordingListener<M> events) {
        return new Forwarding<>(events) {
            @Override
            public void onMessage(Connection<M> connection, M message) {
                super.onMessage(connection, message);
                connection.send(message);
            }
        };
    }

    /** Records events and, from onOpen, sends 8 KiB messages until the connection ends. */
    private static ConnectionListener<byte[]> streamingTo(RecordingListener<byte[]> events) {
        return new Forwarding<>(events) {
            @Override
            public void onOpen(Connection<byte[]> connection) {
                super.onOpen(connection);
                Thread.ofVirtual().name("test-streamer-" + connection.id()).start(() -> {
                    while (connection.state().isOpen()) {
                        connection.send(new byte[8192]);
                    }
                });
            }
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "latch not released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Passes every call on to a recording listener; tests override what they need. */
    private static class Forwarding<M> implements ConnectionListener<M> {
        private final RecordingListener<M> events;

        Forwarding(RecordingListener<M> events) {
            this.events = events;
        }

        @Override
        public void onOpen(Connection<M> connection) {
            events.onOpen(connection);
        }

        @Override
        public void onMessage(Connection<M> connection, M message) {
            events.onMessage(connection, message);
        }

        @Override
        public void onStateChange(Connection<M> connection, ConnectionState from, ConnectionState to) {
            events.onStateChange(connection, from, to);
        }

        @Override
        public void onClose(Connection<M> connection, CloseReason reason) {
            events.onClose(connection, reason);
        }

        @Override
        public void onError(Connection<M> connection, Throwable error) {
            events.onError(connection, error);
        }
    }
}
