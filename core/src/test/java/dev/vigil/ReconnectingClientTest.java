package dev.vigil;

import dev.vigil.RecordingListener.Attempt;
import dev.vigil.RecordingListener.AttemptFailed;
import dev.vigil.RecordingListener.Close;
import dev.vigil.RecordingListener.Connected;
import dev.vigil.RecordingListener.GaveUp;
import dev.vigil.RecordingListener.Message;
import dev.vigil.RecordingListener.Open;
import dev.vigil.internal.DefaultReconnectingClient;
import dev.vigil.internal.FakeTicker;
import dev.vigil.internal.Ticker;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients that reconnect by themselves, over real loopback sockets. */
@Timeout(10)
class ReconnectingClientTest {
    private static final ReconnectPolicy FAST =
            ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(200)).build();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        // Clients first, so that no server going away sets them reconnecting during the teardown.
        for (AutoCloseable closeable : closeables.reversed()) {
            if (closeable instanceof ReconnectingClient<?>) {
                closeable.close();
            }
        }
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** A server that echoes every message, and closes the connection when told {@code "kick"}. */
    private ConnectionManager<String> echoServer() {
        return closeLater(ConnectionManager.builder(MessageCodec.utf8()).listener(new ConnectionListener<>() {
            @Override
            public void onMessage(Connection<String> connection, String message) {
                if (message.equals("kick")) {
                    connection.close();
                } else {
                    connection.send(message);
                }
            }
        }).build());
    }

    /** A client whose every backoff is the policy's ceiling, so the delays the listener hears are predictable. */
    private ReconnectingClient<String> client(ReconnectPolicy policy, RecordingListener<String> recorder,
                                              InetSocketAddress... endpoints) {
        return client(ConnectionManager.builder(MessageCodec.utf8()), policy, recorder, endpoints);
    }

    private ReconnectingClient<String> client(ConnectionManager.Builder<String> builder, ReconnectPolicy policy,
                                              RecordingListener<String> recorder, InetSocketAddress... endpoints) {
        return closeLater(DefaultReconnectingClient.start(builder, policy, recorder, List.of(endpoints),
                RedirectPolicy.knownEndpoints(), ReconnectPolicyTest.HIGHEST, Ticker.SYSTEM));
    }

    /**
     * A loopback port that refuses every connection at once, for as long as the test runs: a socket holds it bound
     * but never listens (the kernel answers a SYN with a reset), and without {@code SO_REUSEADDR} nothing else can
     * bind it meanwhile. A port merely closed again could be taken by any other process in between.
     */
    private InetSocketAddress refusingPort() throws IOException {
        Socket holder = closeLater(new Socket());
        holder.setReuseAddress(false);
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), holder.getLocalPort());
    }

    @Test
    void reconnectsByItselfWhenItsServerGoesAwayAndComesBackOnTheSamePort() throws Exception {
        ConnectionManager<String> firstServer = echoServer();
        InetSocketAddress address = firstServer.bind(Loopback.anyPort());
        RecordingListener<String> events = new RecordingListener<>();
        ReconnectingClient<String> client = client(FAST, events, address);

        assertEquals(new Attempt(1, address), events.next(Attempt.class));
        Connection<?> first = events.next(Open.class).connection();
        assertEquals(new Connected(first, 1), events.next(Connected.class));
        assertSame(first, client.current());
        assertEquals(ConnectionState.ACTIVE, client.state());
        client.send("before").get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        assertEquals(new Message(first, "before"), events.next(Message.class));

        assertTrue(firstServer.shutdown(WAIT));
        CloseReason reason = events.next(Close.class).reason();
        assertEquals(CloseReason.Kind.SHUTDOWN, reason.kind());
        assertTrue(reason.remote());
        assertEquals(new Attempt(1, address), events.next(Attempt.class));
        assertFailed(events.next(AttemptFailed.class), 1, address, Duration.ofMillis(40));
        assertEquals(ConnectionState.CONNECTING, client.state());
        assertNull(client.current());
        assertEquals(new Attempt(2, address), events.next(Attempt.class));
        assertFailed(events.next(AttemptFailed.class), 2, address, Duration.ofMillis(80));

        echoServer().bind(address);
        int attempt = 2;
        Connection<?> second;
        while (true) {
            attempt++;
            assertEquals(new Attempt(attempt, address), events.next(WAIT));
            RecordingListener.Event outcome = events.next(WAIT);
            if (outcome instanceof Open open) {
                second = open.connection();
                break;
            }
            assertFailed(assertInstanceOf(AttemptFailed.class, outcome), attempt, address, ceiling(attempt + 1));
        }
        assertNotSame(first, second);
        assertEquals(new Connected(second, attempt), events.next(Connected.class));
        assertSame(second, client.current());
        client.send("after").get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        assertEquals(new Message(second, "after"), events.next(Message.class));
        events.assertNoMore();
    }

    @Test
    void triesTheEndpointsInTurnAndAfterADropStartsAgainWithTheOneThatWorked() throws Exception {
        InetSocketAddress dead = refusingPort();
        InetSocketAddress live = echoServer().bind(Loopback.anyPort());
        RecordingListener<String> events = new RecordingListener<>();
        ReconnectingClient<String> client = client(FAST, events, dead, live);

        assertEquals(new Attempt(1, dead), events.next(Attempt.class));
        AttemptFailed failed = events.next(AttemptFailed.class);
        assertFailed(failed, 1, dead, Duration.ofMillis(40));
        assertInstanceOf(IOException.class, failed.error());
        assertEquals(new Attempt(2, live), events.next(Attempt.class));
        Connection<?> first = events.next(Open.class).connection();
        assertEquals(new Connected(first, 2), events.next(Connected.class));
        assertEquals(live, first.remoteAddress());

        client.send("kick");
        assertEquals(CloseReason.Kind.CLOSED_BY_PEER, events.next(Close.class).reason().kind());
        assertEquals(new Attempt(1, live), events.next(Attempt.class), "the count starts again, at the live one");
        Connection<?> second = events.next(Open.class).connection();
        assertEquals(new Connected(second, 1), events.next(Connected.class));
        events.assertNoMore();
    }

    @Test
    void anAttemptSucceedsOnlyWhenTheHandshakeCompletesNotWhenTcpConnects() throws Exception {
        // A listening socket that never accepts: the kernel completes TCP, nobody ever says HELLO.
        ServerSocket mute = closeLater(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        InetSocketAddress silent = new InetSocketAddress(InetAddress.getLoopbackAddress(), mute.getLocalPort());
        InetSocketAddress live = echoServer().bind(Loopback.anyPort());
        RecordingListener<String> events = new RecordingListener<>();
        client(ConnectionManager.builder(MessageCodec.utf8()).connectTimeout(Duration.ofMillis(200)), FAST, events,
                silent, live);

        assertEquals(new Attempt(1, silent), events.next(Attempt.class));
        AttemptFailed failed = events.next(AttemptFailed.class);
        ConnectionClosedException error = assertInstanceOf(ConnectionClosedException.class, failed.error());
        assertEquals(CloseReason.Kind.HANDSHAKE_TIMEOUT, error.reason().kind());
        assertEquals(new Attempt(2, live), events.next(Attempt.class));
        Connection<?> connection = events.next(Open.class).connection();
        assertEquals(new Connected(connection, 2), events.next(Connected.class));
        events.assertNoMore();
    }

    @Test
    void givesUpAfterMaxAttemptsTryingTheEndpointsRoundRobin() throws Exception {
        InetSocketAddress a = refusingPort();
        InetSocketAddress b = refusingPort();
        RecordingListener<String> events = new RecordingListener<>();
        ReconnectPolicy threeTries = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20))
                .maxDelay(Duration.ofMillis(200)).maxAttempts(3).build();
        ReconnectingClient<String> client = client(threeTries, events, a, b);

        assertEquals(new Attempt(1, a), events.next(Attempt.class));
        assertFailed(events.next(AttemptFailed.class), 1, a, Duration.ofMillis(40));
        assertEquals(new Attempt(2, b), events.next(Attempt.class));
        assertFailed(events.next(AttemptFailed.class), 2, b, Duration.ofMillis(80));
        assertEquals(new Attempt(3, a), events.next(Attempt.class));
        GaveUp gaveUp = events.next(GaveUp.class);
        assertEquals(3, gaveUp.attempts());
        assertInstanceOf(IOException.class, gaveUp.lastError());
        assertEquals(ConnectionState.CLOSED, client.state());
        ConnectionClosedException error = sendFailure(client.send("anyone?"));
        assertTrue(error.getMessage().contains("gave up after 3 attempts; the last, to " + a), error.getMessage());
        client.close();
        events.assertNoMore();
    }

    @Test
    void aSendWhileDisconnectedFailsAtOnceWithWhyThereIsNoConnection() throws Exception {
        InetSocketAddress dead = refusingPort();
        RecordingListener<String> events = new RecordingListener<>();
        ReconnectPolicy slow = ReconnectPolicy.builder().initialDelay(Duration.ofMinutes(1))
                .maxDelay(Duration.ofMinutes(1)).build();
        ReconnectingClient<String> client = client(slow, events, dead);
        events.next(Attempt.class);
        events.next(AttemptFailed.class);

        ConnectionClosedException error = sendFailure(client.send("hello?"));
        assertEquals(CloseReason.Kind.IO_ERROR, error.reason().kind());
        assertTrue(error.getMessage().contains("not connected: attempt 1 to " + dead + " failed"), error.getMessage());
        assertInstanceOf(IOException.class, error.getCause());
        assertEquals(ConnectionState.CONNECTING, client.state());

        client.close();
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, sendFailure(client.send("hello?")).reason().kind());
    }

    @Test
    void closeDuringTheBackoffStopsAtOnce() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        ReconnectPolicy slow = ReconnectPolicy.builder().initialDelay(Duration.ofMinutes(1))
                .maxDelay(Duration.ofMinutes(1)).build();
        ReconnectingClient<String> client = client(slow, events, refusingPort());
        events.next(Attempt.class);
        assertEquals(Duration.ofMinutes(1), events.next(AttemptFailed.class).nextDelay());

        long start = System.nanoTime();
        client.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "close took " + took);
        assertEquals(ConnectionState.CLOSED, client.state());
        events.assertNoMore();
    }

    @Test
    void theBackoffIsWaitedOnTheClientsTickerSoAFakeClockDrivesIt() throws Exception {
        FakeTicker clock = new FakeTicker();
        InetSocketAddress dead = refusingPort();
        RecordingListener<String> events = new RecordingListener<>();
        ReconnectPolicy minute = ReconnectPolicy.builder().initialDelay(Duration.ofMinutes(1))
                .maxDelay(Duration.ofMinutes(1)).build();
        closeLater(DefaultReconnectingClient.start(ConnectionManager.builder(MessageCodec.utf8()), minute, events,
                List.of(dead), RedirectPolicy.knownEndpoints(), ReconnectPolicyTest.HIGHEST, clock));
        assertEquals(new Attempt(1, dead), events.next(Attempt.class));
        assertEquals(Duration.ofMinutes(1), events.next(AttemptFailed.class).nextDelay());

        clock.advance(Duration.ofSeconds(59));
        events.assertNothingWithin(Duration.ofMillis(200)); // a second of the minute is still to come
        clock.advance(Duration.ofSeconds(1));
        // On real time this attempt would be a minute away, far past the test's timeout.
        assertEquals(new Attempt(2, dead), events.next(Attempt.class, WAIT));
        assertEquals(Duration.ofMinutes(1), events.next(AttemptFailed.class).nextDelay());
        events.assertNoMore();
    }

    @Test
    void closeClosesTheConnectionLocallyAndNothingReconnects() throws Exception {
        LinkedBlockingQueue<CloseReason> serverSide = new LinkedBlockingQueue<>();
        InetSocketAddress address = closeLater(ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onClose(Connection<String> connection, CloseReason reason) {
                        serverSide.add(reason);
                    }
                }).build()).bind(Loopback.anyPort());
        RecordingListener<String> events = new RecordingListener<>();
        ReconnectingClient<String> client = client(FAST, events, address);
        Connection<?> connection = events.await(Connected.class, WAIT).connection();

        client.close();
        assertEquals(new Close(connection, connection.closeReason()), events.next(Close.class));
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, connection.closeReason().kind());
        assertEquals(ConnectionState.CLOSED, client.state());
        assertNull(client.current());
        CloseReason seenByServer = serverSide.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        assertNotNull(seenByServer, "the server never saw the connection close");
        assertTrue(seenByServer.remote(), seenByServer.toString());
        events.assertNoMore();
    }

    @Test
    void closeFromAListenerCallbackReturnsAtOnceAndFinishesInTheBackground() throws Exception {
        InetSocketAddress address = echoServer().bind(Loopback.anyPort());
        AtomicReference<ReconnectingClient<String>> self = new AtomicReference<>();
        CompletableFuture<Duration> closeTook = new CompletableFuture<>();
        RecordingListener<String> events = new RecordingListener<>() {
            @Override
            public void onMessage(Connection<String> connection, String message) {
                super.onMessage(connection, message);
                long start = System.nanoTime();
                self.get().close();
                closeTook.complete(Duration.ofNanos(System.nanoTime() - start));
            }
        };
        ReconnectingClient<String> client = client(FAST, events, address);
        self.set(client);
        events.await(Connected.class, WAIT);
        client.send("close yourself");

        Duration took = closeTook.get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "close in a callback took " + took);
        events.next(Message.class);
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, events.next(Close.class).reason().kind());
        client.close();
        assertEquals(ConnectionState.CLOSED, client.state());
        events.assertNoMore();
    }

    @Test
    void startRejectsMissingArgumentsAndNoEndpointsAllAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReconnectingClient.start(
                ConnectionManager.builder(MessageCodec.utf8()), null, new ReconnectListener<>() {
                }, List.of()));
        assertEquals("ReconnectingClient: policy: null (expected: not null); endpoints: [] (expected: at least one)",
                e.getMessage());
    }

    // ---- helpers ----

    private static Duration ceiling(int attempt) {
        return FAST.delayBefore(attempt, ReconnectPolicyTest.HIGHEST);
    }

    private static void assertFailed(AttemptFailed failed, int attempt, InetSocketAddress endpoint,
                                     Duration nextDelay) {
        assertEquals(attempt, failed.attempt(), failed.toString());
        assertEquals(endpoint, failed.endpoint(), failed.toString());
        assertEquals(nextDelay, failed.nextDelay(), failed.toString());
    }

    private static ConnectionClosedException sendFailure(CompletableFuture<Void> send) {
        assertTrue(send.isCompletedExceptionally(), "the send did not fail at once");
        ExecutionException e = assertThrows(ExecutionException.class, send::get);
        return assertInstanceOf(ConnectionClosedException.class, e.getCause());
    }
}
