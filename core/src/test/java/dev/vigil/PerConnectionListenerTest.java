package dev.vigil;

import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code connect(address, listener)}: a connection with a listener of its own; and the typed attachment. */
class PerConnectionListenerTest {

    private static ConnectionManager<String> echoServer() {
        return ConnectionManager.builder(MessageCodec.utf8()).heartbeat(HeartbeatPolicy.none())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        connection.send(message);
                    }
                }).build();
    }

    @Test
    @Timeout(30)
    void aConnectionWithItsOwnListenerGetsEveryEventAndTheManagersListenerNone() throws Exception {
        RecordingListener<String> shared = new RecordingListener<>();
        RecordingListener<String> own = new RecordingListener<>();
        try (ConnectionManager<String> server = echoServer();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.none()).listener(shared).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            Connection<String> mine = clients.connect(address, own);
            Connection<String> plain = clients.connect(address);

            assertSame(mine, own.next(RecordingListener.Open.class).connection());
            assertSame(plain, shared.next(RecordingListener.Open.class).connection());
            mine.send("to mine").get(5, TimeUnit.SECONDS);
            plain.send("to plain").get(5, TimeUnit.SECONDS);
            assertEquals("to mine", own.next(RecordingListener.Message.class).message());
            assertEquals("to plain", shared.next(RecordingListener.Message.class).message());
            mine.close();
            assertEquals(CloseReason.Kind.CLOSED_LOCALLY, own.next(RecordingListener.Close.class).reason().kind());
            own.assertNoMore();
            shared.assertNoMore();
        }
    }

    @Test
    @Timeout(30)
    void theAttachmentIsInPlaceWhenTheOwnListenersOnOpenRuns() throws Exception {
        CompletableFuture<String> seenInOnOpen = new CompletableFuture<>();
        try (ConnectionManager<String> server = echoServer();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8()).build()) {
            Connection<String> c = clients.connect(server.bind(Loopback.anyPort()), new ConnectionListener<>() {
                @Override
                public void onOpen(Connection<String> connection) {
                    seenInOnOpen.complete(connection.attachment(String.class));
                }
            }, "session-7");
            assertTrue(seenInOnOpen.isDone(), "connect returns after onOpen");
            assertEquals("session-7", seenInOnOpen.get());
            assertEquals("session-7", c.attachment(String.class));
        }
    }

    @Test
    @Timeout(30)
    void theTypedAttachmentNeedsNoCastAndAWrongTypeNamesBothClasses() throws Exception {
        try (ConnectionManager<String> server = echoServer();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8()).build()) {
            Connection<String> c = clients.connect(server.bind(Loopback.anyPort()));
            assertNull(c.attachment(Integer.class), "none attached");
            c.attach(42);
            int answer = c.attachment(Integer.class);
            assertEquals(42, answer);
            assertEquals(42, c.attachment(Number.class), "a supertype will do");
            ClassCastException wrong = assertThrows(ClassCastException.class, () -> c.attachment(String.class));
            assertTrue(wrong.getMessage().contains("java.lang.Integer, not a java.lang.String"), wrong.getMessage());
        }
    }

    @Test
    @Timeout(30)
    void aNullListenerIsRefusedWithAMessageThatSaysWhatToCallInstead() throws Exception {
        try (ConnectionManager<String> server = echoServer();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8()).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            NullPointerException e = assertThrows(NullPointerException.class,
                    () -> clients.connect(address, (ConnectionListener<String>) null));
            assertTrue(e.getMessage().contains("connect(address)"), e.getMessage());
            assertTrue(clients.connections().isEmpty(), "nothing was opened");
        }
    }
}
