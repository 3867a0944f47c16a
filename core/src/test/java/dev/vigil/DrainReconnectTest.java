package dev.vigil;

import dev.vigil.RecordingListener.Attempt;
import dev.vigil.RecordingListener.Close;
import dev.vigil.RecordingListener.Connected;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link ReconnectingClient} after its server's {@link ConnectionManager#drain}: where its next attempt goes. */
class DrainReconnectTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private ConnectionManager<String> server() {
        return closeLater(ConnectionManager.builder(MessageCodec.utf8()).build());
    }

    private ReconnectingClient<String> client(RecordingListener<String> events, RedirectPolicy redirects,
                                              InetSocketAddress... endpoints) {
        return closeLater(ReconnectingClient.start(ConnectionManager.builder(MessageCodec.utf8()),
                ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(20)).build(),
                events, List.of(endpoints), redirects));
    }

    private static void drain(ConnectionManager<String> server, InetSocketAddress elsewhere) throws Exception {
        // The client opens when it has read the server's HELLO, the server when it has read the client's: a drain
        // that came between the two would cut a handshake (no CLOSE, no suggestion) instead of closing a connection.
        Await.until(WAIT, () -> !server.connections().isEmpty(), "the server has opened its side");
        assertTrue(server.drain(Duration.ZERO, elsewhere));
    }

    /** The suggestion keeps the host as the server wrote it ({@code localhost} here, unresolved). */
    private static void assertSame(InetSocketAddress expected, InetSocketAddress actual) {
        assertTrue(actual != null && RedirectPolicy.sameEndpoint(expected, actual), expected + " but was " + actual);
    }

    @Test
    @Timeout(30)
    void aClientWhosePolicyAllowsTheSuggestionReconnectsThereFirst() throws Exception {
        ConnectionManager<String> a = server();
        ConnectionManager<String> b = server();
        InetSocketAddress first = a.bind(Loopback.anyPort());
        InetSocketAddress second = b.bind(Loopback.anyPort());
        RecordingListener<String> events = new RecordingListener<>();
        // Only the draining server is in the client's list: without the suggestion it would retry it forever.
        client(events, RedirectPolicy.hosts(second.getHostString()), first);
        events.await(Connected.class, WAIT);

        drain(a, second);
        Close close = events.await(Close.class, WAIT);
        assertSame(second, close.reason().suggestedEndpoint());
        assertSame(second, events.await(Attempt.class, WAIT).endpoint());
        Connected again = events.await(Connected.class, WAIT);
        assertEquals(second, again.connection().remoteAddress());
        // The server opens its side when it has read our HELLO, which may come just after ours opened.
        Await.until(WAIT, () -> b.connections().size() == 1, "the suggested server holds the connection");
    }

    @Test
    @Timeout(30)
    void byDefaultASuggestionOutsideTheClientsOwnEndpointsIsIgnored() throws Exception {
        ConnectionManager<String> a = server();
        ConnectionManager<String> b = server();
        ConnectionManager<String> c = server();
        InetSocketAddress first = a.bind(Loopback.anyPort());
        InetSocketAddress second = b.bind(Loopback.anyPort());
        InetSocketAddress outsider = c.bind(Loopback.anyPort());
        RecordingListener<String> events = new RecordingListener<>();
        client(events, RedirectPolicy.knownEndpoints(), first, second);
        events.await(Connected.class, WAIT);

        drain(a, outsider);
        events.await(Close.class, WAIT);
        // Not the outsider, and not the node that is going away: the next of the client's own endpoints.
        assertEquals(second, events.await(Attempt.class, WAIT).endpoint());
        assertEquals(second, events.await(Connected.class, WAIT).connection().remoteAddress());
        assertEquals(0, c.connections().size());
    }

    @Test
    @Timeout(30)
    void aSuggestionOfOneOfTheClientsOwnEndpointsIsFollowedByDefault() throws Exception {
        ConnectionManager<String> a = server();
        ConnectionManager<String> b = server();
        ConnectionManager<String> c = server();
        InetSocketAddress first = a.bind(Loopback.anyPort());
        InetSocketAddress second = b.bind(Loopback.anyPort());
        InetSocketAddress third = c.bind(Loopback.anyPort());
        RecordingListener<String> events = new RecordingListener<>();
        client(events, RedirectPolicy.knownEndpoints(), first, second, third);
        events.await(Connected.class, WAIT);

        drain(a, third); // the list alone would go to second next
        events.await(Close.class, WAIT);
        assertEquals(third, events.await(Attempt.class, WAIT).endpoint());
        assertEquals(third, events.await(Connected.class, WAIT).connection().remoteAddress());
    }

    @Test
    @Timeout(30)
    void aFailedAttemptToTheSuggestionFallsBackToTheClientsOwnEndpoints() throws Exception {
        ConnectionManager<String> a = server();
        ConnectionManager<String> b = server();
        InetSocketAddress first = a.bind(Loopback.anyPort());
        InetSocketAddress second = b.bind(Loopback.anyPort());
        ConnectionManager<String> gone = server();
        InetSocketAddress nowhere = gone.bind(Loopback.anyPort());
        gone.close(); // nothing listens there any more
        RecordingListener<String> events = new RecordingListener<>();
        client(events, (suggested, endpoints) -> true, first, second);
        events.await(Connected.class, WAIT);

        drain(a, nowhere);
        events.await(Close.class, WAIT);
        assertSame(nowhere, events.await(Attempt.class, WAIT).endpoint());
        assertEquals(second, events.await(Attempt.class, WAIT).endpoint());
        assertEquals(second, events.await(Connected.class, WAIT).connection().remoteAddress());
    }
}
