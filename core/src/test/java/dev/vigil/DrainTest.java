package dev.vigil;

import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ConnectionManager#drain}: stops accepting, and closes every connection spread evenly over the window. */
class DrainTest {
    private static final int CLIENTS = 6;
    private static final Duration WINDOW = Duration.ofMillis(1500);
    /**
     * How late a close may arrive after its instant: a CLOSE crosses loopback in well under a millisecond, so this
     * is all scheduling delay on a loaded machine. Early is never allowed: no close comes before its instant.
     */
    private static final Duration LATE = Duration.ofMillis(600);

    private record Closed(long atNanos, CloseReason reason) {
    }

    @Test
    @Timeout(60)
    void drainClosesEveryConnectionWithShutdownSpreadEvenlyOverTheWindowAndSuggestsTheOtherEndpoint()
            throws Exception {
        InetSocketAddress elsewhere = new InetSocketAddress("127.0.0.1", 47001);
        LinkedBlockingQueue<Closed> closes = new LinkedBlockingQueue<>();
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8()).build();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8())
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onClose(Connection<String> connection, CloseReason reason) {
                             closes.add(new Closed(System.nanoTime(), reason));
                         }
                     }).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            for (int i = 0; i < CLIENTS; i++) {
                clients.connect(address);
            }
            Await.until(Duration.ofSeconds(10), () -> server.connections().size() == CLIENTS, "all accepted");

            long start = System.nanoTime();
            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.drain(WINDOW, elsewhere);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Closed> got = new ArrayList<>();
            Closed first = closes.poll(10, TimeUnit.SECONDS);
            assertNotNull(first, "the first close arrives");
            got.add(first);
            // Stops accepting at once: while the drain is under way, a new connection is refused by TCP itself.
            assertRefused(address);
            for (int i = 1; i < CLIENTS; i++) {
                Closed next = closes.poll(10, TimeUnit.SECONDS);
                assertNotNull(next, "close " + (i + 1) + " of " + CLIENTS + " arrives");
                got.add(next);
            }
            assertTrue(drained.get(10, TimeUnit.SECONDS), "every peer closed within the grace");

            // The k-th close to arrive is no earlier than the k-th instant, window * k / (n - 1), and not much later.
            long windowNanos = WINDOW.toNanos();
            for (int k = 0; k < CLIENTS; k++) {
                long due = windowNanos * k / (CLIENTS - 1);
                long at = got.get(k).atNanos() - start;
                assertTrue(at >= due, "close " + k + " came " + ms(at) + " after the drain began, before its instant "
                        + ms(due));
                assertTrue(at <= due + LATE.toNanos(), "close " + k + " came " + ms(at) + " after the drain began, "
                        + "more than " + LATE.toMillis() + " ms after its instant " + ms(due));
            }
            for (Closed closed : got) {
                CloseReason reason = closed.reason();
                assertEquals(CloseReason.Kind.SHUTDOWN, reason.kind(), reason.toString());
                assertTrue(reason.remote(), reason.toString());
                assertEquals(elsewhere, reason.suggestedEndpoint(), reason.toString());
                assertTrue(reason.message().startsWith("the server is draining"), reason.message());
            }
            assertThrows(IllegalStateException.class, () -> server.bind(Loopback.anyPort()));
        }
    }

    @Test
    @Timeout(30)
    void drainWithoutAnEndpointSuggestsNoneAndAZeroWindowClosesAtOnce() throws Exception {
        LinkedBlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8()).build();
             ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8())
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onClose(Connection<String> connection, CloseReason reason) {
                             closes.add(reason);
                         }
                     }).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            clients.connect(address);
            clients.connect(address);
            Await.until(Duration.ofSeconds(10), () -> server.connections().size() == 2, "both accepted");
            assertTrue(server.drain(Duration.ZERO, null));
            for (int i = 0; i < 2; i++) {
                CloseReason reason = closes.poll(10, TimeUnit.SECONDS);
                assertNotNull(reason);
                assertEquals(CloseReason.Kind.SHUTDOWN, reason.kind());
                assertEquals(null, reason.suggestedEndpoint(), reason.message());
                assertEquals("the server is draining: reconnect", reason.message());
            }
        }
    }

    @Test
    void aNegativeWindowIsRejected() {
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8()).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> server.drain(Duration.ofSeconds(-1), null));
            assertEquals("window: PT-1S (expected: zero or more)", e.getMessage());
        }
    }

    private static String ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }

    /**
     * Asserts that nothing listens on {@code address} any more. A connect to a free port in the ephemeral range may,
     * rarely, be given that same port as its source and connect to itself (TCP's simultaneous open): such a socket is
     * no sign of a listener, so only a connection to another port fails the assertion.
     */
    private static void assertRefused(InetSocketAddress address) {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            assertEquals(s.getPort(), s.getLocalPort(), "a connection was accepted on " + address + " during the drain");
        } catch (IOException expected) {
            // refused: nothing listens
        }
    }
}
