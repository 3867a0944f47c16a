package dev.vigil;

import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(60)
class BroadcastTest {
    private final List<ConnectionManager<?>> managers = new ArrayList<>();

    @AfterEach
    void closeManagers() {
        managers.forEach(ConnectionManager::close);
    }

    private <M> ConnectionManager<M> manager(ConnectionManager.Builder<M> builder) {
        ConnectionManager<M> m = builder.heartbeat(HeartbeatPolicy.none()).build();
        managers.add(m);
        return m;
    }

    /** The binary UTF-8 codec, counting its encodes; a message "boom" it refuses. */
    private static final class CountingCodec implements MessageCodec<String> {
        final AtomicInteger encodes = new AtomicInteger();

        @Override
        public Framing framing() {
            return Framing.LENGTH_PREFIXED;
        }

        @Override
        public void encode(String message, OutputStream out) throws IOException {
            encodes.incrementAndGet();
            if (message.equals("boom")) {
                throw new IOException("cannot encode boom");
            }
            MessageCodec.utf8().encode(message, out);
        }

        @Override
        public String decode(byte[] frame, int offset, int length) throws IOException {
            return MessageCodec.utf8().decode(frame, offset, length);
        }
    }

    private List<RecordingListener<String>> connectClients(ConnectionManager<String> server, int n,
                                                           ConnectionManager.Builder<String> clientBuilder)
            throws Exception {
        InetSocketAddress address = server.bind(Loopback.anyPort());
        List<RecordingListener<String>> recorders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RecordingListener<String> recorder = new RecordingListener<>();
            manager(clientBuilder.listener(recorder)).connect(address);
            recorder.next(RecordingListener.Open.class);
            recorders.add(recorder);
        }
        Await.until(Duration.ofSeconds(10), () -> server.connections().size() == n, n + " server connections");
        return recorders;
    }

    private static Object nextMessage(RecordingListener<String> recorder) throws InterruptedException {
        return recorder.next(RecordingListener.Message.class).message();
    }

    @Test
    void broadcastEncodesTheMessageOnceForEveryConnection() throws Exception {
        CountingCodec codec = new CountingCodec();
        ConnectionManager<String> server = manager(ConnectionManager.builder(codec));
        List<RecordingListener<String>> clients = connectClients(server, 5,
                ConnectionManager.builder(MessageCodec.utf8()));
        int before = codec.encodes.get();

        assertEquals(5, server.broadcast("to everyone").get(10, TimeUnit.SECONDS));

        assertEquals(before + 1, codec.encodes.get());
        for (RecordingListener<String> client : clients) {
            assertEquals("to everyone", nextMessage(client));
        }
    }

    @Test
    void aMessageTheCodecRefusesFailsTheBroadcastOnceAndTheConnectionsStayOpen() throws Exception {
        CountingCodec codec = new CountingCodec();
        ConnectionManager<String> server = manager(ConnectionManager.builder(codec));
        List<RecordingListener<String>> clients = connectClients(server, 3,
                ConnectionManager.builder(MessageCodec.utf8()));
        int before = codec.encodes.get();

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> server.broadcast("boom").get(10, TimeUnit.SECONDS));

        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(before + 1, codec.encodes.get());
        assertEquals(3, server.broadcast("after").get(10, TimeUnit.SECONDS));
        for (RecordingListener<String> client : clients) {
            assertEquals("after", nextMessage(client));
        }
    }

    @Test
    void broadcastPutsTheSameBinaryFrameOnTheWireAsASend() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8()));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        try (RawPeer peer = new RawPeer(address).handshake()) {
            Await.until(Duration.ofSeconds(10), () -> server.connections().size() == 1, "the server connection");
            Connection<String> connection = server.connections().iterator().next();
            String message = "héllo, wörld ✓";

            connection.send(message).get(10, TimeUnit.SECONDS);
            assertEquals(1, server.broadcast(message).get(10, TimeUnit.SECONDS));

            RawPeer.Frame sent = peer.read();
            RawPeer.Frame broadcast = peer.read();
            assertEquals(RawPeer.DATA, broadcast.type());
            assertArrayEquals(RawPeer.frame(sent.type(), sent.payload()),
                    RawPeer.frame(broadcast.type(), broadcast.payload()));
        }
    }

    @Test
    void broadcastPutsTheSameLineOnTheWireAsASend() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.lines()));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        try (Socket socket = new Socket()) {
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);
            Await.until(Duration.ofSeconds(10), () -> server.connections().size() == 1, "the server connection");
            Connection<String> connection = server.connections().iterator().next();
            String message = "héllo, wörld ✓";
            byte[] line = (message + "\n").getBytes(StandardCharsets.UTF_8);

            connection.send(message).get(10, TimeUnit.SECONDS);
            assertEquals(1, server.broadcast(message).get(10, TimeUnit.SECONDS));

            byte[] both = new byte[line.length * 2];
            new DataInputStream(socket.getInputStream()).readFully(both);
            assertArrayEquals(line, Arrays.copyOf(both, line.length));
            assertArrayEquals(line, Arrays.copyOfRange(both, line.length, both.length));
        }
    }

    @Test
    void broadcastsKeepTheirOrderWithTheSendsOfEachConnection() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8()));
        List<RecordingListener<String>> clients = connectClients(server, 3,
                ConnectionManager.builder(MessageCodec.utf8()));
        List<Connection<String>> connections = new ArrayList<>(server.connections());
        int rounds = 200;
        for (int i = 0; i < rounds; i++) {
            for (Connection<String> c : connections) {
                c.send("own " + i + " to " + c.id());
            }
            server.broadcast("all " + i);
        }
        // Each client sees its own sends and the broadcasts interleaved exactly as they were made.
        List<List<Object>> seen = new ArrayList<>();
        for (RecordingListener<String> client : clients) {
            List<Object> messages = new ArrayList<>();
            for (int i = 0; i < rounds * 2; i++) {
                messages.add(nextMessage(client));
            }
            seen.add(messages);
        }
        for (List<Object> messages : seen) {
            String own = (String) messages.getFirst();
            String suffix = own.substring(own.indexOf(" to "));
            for (int i = 0; i < rounds; i++) {
                assertEquals("own " + i + suffix, messages.get(2 * i));
                assertEquals("all " + i, messages.get(2 * i + 1));
            }
        }
    }

    @Test
    void aPeerThatAcceptsOnlySmallerFramesFailsAloneAndStaysOpen() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8()));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        RecordingListener<String> big = new RecordingListener<>();
        RecordingListener<String> small = new RecordingListener<>();
        manager(ConnectionManager.builder(MessageCodec.utf8()).listener(big)).connect(address);
        Connection<String> smallClient = manager(ConnectionManager.builder(MessageCodec.utf8()).maxFrameSize(64)
                .listener(small)).connect(address);
        big.next(RecordingListener.Open.class);
        small.next(RecordingListener.Open.class);
        Await.until(Duration.ofSeconds(10), () -> server.connections().size() == 2, "2 server connections");
        String large = "x".repeat(100);

        assertEquals(1, server.broadcast(large).get(10, TimeUnit.SECONDS));
        assertEquals(2, server.broadcast("short").get(10, TimeUnit.SECONDS));

        assertEquals(large, nextMessage(big));
        assertEquals("short", nextMessage(big));
        assertEquals("short", nextMessage(small)); // the large one never reached it, and it is still open
        assertSame(ConnectionState.ACTIVE, smallClient.state());
    }

    @Test
    void broadcastWithNoConnectionCountsNoneAndDoesNotEncode() throws Exception {
        CountingCodec codec = new CountingCodec();
        ConnectionManager<String> server = manager(ConnectionManager.builder(codec));
        server.bind(Loopback.anyPort());

        assertEquals(0, server.broadcast("nobody").get(10, TimeUnit.SECONDS));
        assertEquals(0, codec.encodes.get());
    }
}
