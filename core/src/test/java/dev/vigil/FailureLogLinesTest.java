package dev.vigil;

import dev.vigil.testsupport.LogRecord;
import dev.vigil.testsupport.Logs;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The line each kind of failure logs, captured in memory (vigil-test-support) rather than printed: one WARN line per
 * failure, naming the connection and the numbers, with the exception where there is one.
 */
class FailureLogLinesTest {
    private static final String CONNECTION_LOGGER = "dev.vigil.internal.conn.ConnectionCore";

    @Test
    @Timeout(30)
    void aHeartbeatTimeoutLogsOneWarningWithTheSilenceAndThePings() throws Exception {
        RecordingListener<String> serverEvents = new RecordingListener<>();
        CountDownLatch release = new CountDownLatch(1);
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofMillis(300)))
                .listener(serverEvents).build();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.none()).shutdownGrace(Duration.ZERO)
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onMessage(Connection<String> c, String message) {
                             await(release); // a stuck reader answers no PING
                         }
                     }).build()) {
            clients.connect(server.bind(Loopback.anyPort()));
            Connection<?> accepted = serverEvents.next(RecordingListener.Open.class).connection();
            FailureLogLinesTest.<String>typed(accepted).send("stall");
            serverEvents.await(RecordingListener.Close.class, Duration.ofSeconds(10));
            release.countDown();

            LogRecord line = Logs.await(Level.WARN, "conn-" + accepted.id() + " ", Duration.ofSeconds(5));
            assertEquals(CONNECTION_LOGGER, line.logger());
            assertTrue(line.message().contains("closing: HEARTBEAT_TIMEOUT: no sign of life: silent for"),
                    line.message());
            assertTrue(line.message().contains("unanswered"), line.message());
            assertEquals(1, Logs.find(Level.WARN, "conn-" + accepted.id() + " ").size(), "logged once");
        } finally {
            release.countDown();
        }
    }

    @Test
    @Timeout(30)
    void bytesThatAreNotVigilLogAProtocolErrorSayingWhatCame() throws Exception {
        RecordingListener<String> serverEvents = new RecordingListener<>();
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .listener(serverEvents).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            try (Socket http = new Socket()) {
                http.connect(address, 5000);
                OutputStream out = http.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                LogRecord line = Logs.await(Level.WARN, "closing: PROTOCOL_ERROR", Duration.ofSeconds(10));
                assertEquals(CONNECTION_LOGGER, line.logger());
                assertTrue(line.message().contains(":" + http.getLocalPort() + ": closing"), line.message());
                assertEquals(1, Logs.find(Level.WARN, "closing: PROTOCOL_ERROR").size(), "logged once");
            }
            serverEvents.assertNoMore(); // it never opened
        }
    }

    @Test
    @Timeout(30)
    void anOverflowingQueueLogsASlowConsumerWithTheLimit() throws Exception {
        RecordingListener<byte[]> serverEvents = new RecordingListener<>();
        CountDownLatch release = new CountDownLatch(1);
        try (ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none()).backpressure(BackpressurePolicy.CLOSE).maxQueuedMessages(8)
                .listener(serverEvents).build();
             ConnectionManager<byte[]> clients = ConnectionManager.builder(MessageCodec.bytes())
                     .heartbeat(HeartbeatPolicy.none()).shutdownGrace(Duration.ZERO)
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onMessage(Connection<byte[]> c, byte[] message) {
                             await(release);
                         }
                     }).build()) {
            clients.connect(server.bind(Loopback.anyPort()));
            Connection<byte[]> accepted = typed(serverEvents.next(RecordingListener.Open.class).connection());
            for (int i = 0; i < 10_000 && accepted.closeReason() == null; i++) {
                accepted.send(new byte[64 * 1024]);
            }
            serverEvents.await(RecordingListener.Close.class, Duration.ofSeconds(10));
            release.countDown();

            LogRecord line = Logs.await(Level.WARN, "closing: SLOW_CONSUMER", Duration.ofSeconds(5));
            assertTrue(line.message().startsWith("conn-" + accepted.id() + " "), line.message());
            assertTrue(line.message().contains("8 messages queued"), line.message());
        } finally {
            release.countDown();
        }
    }

    @Test
    @Timeout(30)
    void aListenerThatThrowsIsLoggedWithItsExceptionAndTheConnectionStaysOpen() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        RecordingListener<String> clientEvents = new RecordingListener<>();
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.none())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String message) {
                        if (message.equals("throw")) {
                            throw boom;
                        }
                        c.send("still here");
                    }
                }).build();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.none()).listener(clientEvents).build()) {
            Connection<String> client = clients.connect(server.bind(Loopback.anyPort()));
            clientEvents.next(RecordingListener.Open.class);
            client.send("throw");
            LogRecord line = Logs.await(Level.WARN, "listener.onMessage threw", Duration.ofSeconds(10));
            assertSame(boom, line.throwable());
            assertTrue(line.message().endsWith("the connection stays open"), line.message());
            client.send("again");
            assertEquals("still here", clientEvents.next(RecordingListener.Message.class).message());
        }
    }

    @SuppressWarnings("unchecked")
    private static <M> Connection<M> typed(Connection<?> connection) {
        return (Connection<M>) connection;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
