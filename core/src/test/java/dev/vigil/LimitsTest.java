package dev.vigil;

import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Limits, filters and timeouts that refuse connections, each with its own reason. */
@Timeout(30)
class LimitsTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private <M> ConnectionManager<M> manager(ConnectionManager.Builder<M> builder) {
        ConnectionManager<M> m = builder.shutdownGrace(Duration.ofSeconds(2)).build();
        closeables.add(m);
        return m;
    }

    @Test
    void oneConnectionOverTheLimitIsRefusedWithARejectedReason() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8()).maxConnections(2));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8()));
        client.connect(address);
        client.connect(address);
        ConnectionClosedException refused = assertThrows(ConnectionClosedException.class,
                () -> client.connect(address));
        assertEquals(CloseReason.Kind.REJECTED, refused.reason().kind());
        assertTrue(refused.reason().remote());
        assertTrue(refused.reason().message().contains("server full: 2 connections"), refused.reason().message());
        // The server counts a connection as open once it has the client's HELLO, a moment after connect returns.
        Await.until(Duration.ofSeconds(5), () -> server.connections().size() == 2, "two server connections");
    }

    @Test
    void theLimitFreesUpWhenAConnectionCloses() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8()).maxConnections(1)
                .listener(events));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8()));
        client.connect(address).close();
        events.next(RecordingListener.Open.class);
        events.next(RecordingListener.Close.class);
        assertTrue(client.connect(address).state().isOpen());
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8())
                .maxConnectionsPerAddress(1));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8()));
        client.connect(address);
        ConnectionClosedException refused = assertThrows(ConnectionClosedException.class,
                () -> client.connect(address));
        assertEquals(CloseReason.Kind.REJECTED, refused.reason().kind());
        assertTrue(refused.reason().message().contains("too many connections from 127.0.0.1"),
                refused.reason().message());
    }

    @Test
    void aConnectionFilterRefusesByAddressAndThePeerIsToldWhy() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8())
                .connectionFilter(remote -> remote.getAddress().isLoopbackAddress() ? "no loopback peers" : null)
                .listener(events));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8()));
        ConnectionClosedException refused = assertThrows(ConnectionClosedException.class,
                () -> client.connect(address));
        assertEquals("no loopback peers", refused.reason().message());
        events.assertNoMore(); // a refused connection never opens
    }

    @Test
    void aServerCanRejectAPeerAfterItsFirstMessageAndThePeerIsToldWhy() throws Exception {
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        if (connection.attachment() == null) {
                            if (message.equals("token:secret")) {
                                connection.attach("authenticated");
                            } else {
                                connection.reject("bad token");
                            }
                        }
                    }
                }));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        RecordingListener<String> events = new RecordingListener<>();
        ConnectionManager<String> client = manager(ConnectionManager.builder(MessageCodec.utf8()).listener(events));
        Connection<String> c = client.connect(address);
        events.next(RecordingListener.Open.class);
        c.send("token:guess");
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.REJECTED, reason.kind());
        assertTrue(reason.remote());
        assertEquals("bad token", reason.message());
        ExecutionException after = assertThrows(ExecutionException.class, () -> c.send("more").get());
        assertInstanceOf(ConnectionClosedException.class, after.getCause());
    }

    @Test
    void aLineClientThatSendsNoCompleteLineIsClosedAtTheHandshakeTimeout() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.lines())
                .handshakeTimeout(Duration.ofMillis(300)).listener(events));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        try (Socket slowloris = new Socket(address.getAddress(), address.getPort())) {
            events.next(RecordingListener.Open.class);
            OutputStream out = slowloris.getOutputStream();
            out.write('G'); // a byte, then nothing: never a whole line
            out.flush();
            CloseReason reason = events.next(RecordingListener.Close.class).reason();
            assertEquals(CloseReason.Kind.HANDSHAKE_TIMEOUT, reason.kind());
            assertTrue(reason.message().contains("no complete line"), reason.message());
        }
    }

    @Test
    void aLineClientThatSendsALineInTimeStaysAndIsAnsweredLikeFromNetcat() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        ConnectionManager<String> server = manager(ConnectionManager.builder(MessageCodec.lines())
                .handshakeTimeout(Duration.ofMillis(300)).listener(new ConnectionListener<>() {
                    @Override
                    public void onOpen(Connection<String> connection) {
                        events.onOpen(connection);
                    }

                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        connection.send("you said: " + message);
                    }

                    @Override
                    public void onClose(Connection<String> connection, CloseReason reason) {
                        events.onClose(connection, reason);
                    }
                }));
        InetSocketAddress address = server.bind(Loopback.anyPort());
        try (Socket nc = new Socket(address.getAddress(), address.getPort())) {
            events.next(RecordingListener.Open.class);
            OutputStream out = nc.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8));
            out.write("hello\r\nPING\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            // Both arrived in one read; the PONG may overtake the reply, as heartbeats go ahead of data.
            assertEquals(java.util.Set.of("you said: hello", "PONG"), java.util.Set.of(in.readLine(), in.readLine()));
            events.assertNothingWithin(Duration.ofMillis(600)); // past the handshake timeout, still open
            out.write("still here\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertEquals("you said: still here", in.readLine());
        }
        events.next(RecordingListener.Close.class);
    }
}
