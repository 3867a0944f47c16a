package dev.vigil;

import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener that blocks or throws harms only its own connection (issue 4): the others keep echoing and their
 * heartbeats go out on time.
 */
@Timeout(60)
class IsolationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration PING_INTERVAL = Duration.ofMillis(50);
    private static final Duration PING_TIMEOUT = Duration.ofMillis(300);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    @Test
    void aListenerBlockedOnOneConnectionLeavesOthersEchoingAndHeartbeatsOnTime() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        resources.add(release::countDown);
        AtomicBoolean stillBlocked = new AtomicBoolean();
        RecordingListener<String> serverEvents = new RecordingListener<>();
        ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.fixed(PING_INTERVAL, PING_TIMEOUT))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        if (message.equals("block")) {
                            // Stands for a callback that sleeps for a minute: it returns only when the test says so.
                            stillBlocked.set(true);
                            blocked.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            stillBlocked.set(false);
                        }
                        connection.send(message);
                    }

                    @Override
                    public void onClose(Connection<String> connection, CloseReason reason) {
                        serverEvents.onClose(connection, reason);
                    }
                })
                .build();
        resources.add(server);
        InetSocketAddress address = server.bind(Loopback.anyPort());

        // A raw peer that stays idle and answers the server's PINGs, timing each one.
        RawPeer idle = new RawPeer(address).handshake();
        resources.add(idle);
        LinkedBlockingQueue<Long> pings = new LinkedBlockingQueue<>();
        AtomicBoolean idleEnded = new AtomicBoolean();
        Thread.ofVirtual().name("test-idle-peer").start(() -> answerPings(idle, pings, idleEnded));
        assertNotNull(pings.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the idle peer gets its first PING");

        // The blocked connection: its client sends the message whose callback never returns (until the end).
        LinkedBlockingQueue<String> blockedEchoes = new LinkedBlockingQueue<>();
        ConnectionManager<String> clients = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.none()) // the clients only answer the server's PINGs
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        if (message.equals("block")) {
                            blockedEchoes.add(message);
                        } else {
                            echoQueue(connection).add(message);
                        }
                    }
                })
                .build();
        resources.add(clients);
        Connection<String> victim = clients.connect(address);
        victim.send("block");
        assertTrue(blocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the callback blocks");
        pings.clear();
        long blockedSince = System.nanoTime();

        // Eight other clients each do at least 300 echo round trips, and go on until the idle peer has seen ten
        // PINGs, so the heartbeat is measured over a stretch of at least half a second.
        int others = 8;
        int minimum = 300;
        AtomicInteger pingsSeen = new AtomicInteger();
        List<Long> pingTimes = new ArrayList<>();
        List<Future<Integer>> rounds = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < others; c++) {
                Connection<String> connection = clients.connect(address);
                rounds.add(executor.submit(() -> {
                    LinkedBlockingQueue<String> echoes = echoQueue(connection);
                    int i = 0;
                    while (i < minimum || pingsSeen.get() < 10) {
                        String message = "c" + connection.id() + " #" + i;
                        connection.send(message);
                        assertEquals(message, echoes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                                "echo " + i + " on " + connection);
                        i++;
                    }
                    return i;
                }));
            }
            while (pingsSeen.get() < 10) {
                Long at = pings.poll(5, TimeUnit.SECONDS);
                assertNotNull(at, "the idle peer got no PING within 5 s while one callback was blocked");
                pingTimes.add(at);
                pingsSeen.incrementAndGet();
            }
            for (Future<Integer> f : rounds) {
                assertTrue(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS) >= minimum);
            }
        }

        // All the while, the blocked callback never returned and its connection was not judged dead for it.
        assertTrue(stillBlocked.get(), "the blocked callback returned early");
        assertTrue(victim.state().isOpen(), victim.toString());
        long gap = 0;
        long previous = blockedSince;
        for (long at : pingTimes) {
            gap = Math.max(gap, at - previous);
            previous = at;
        }
        assertTrue(gap < PING_TIMEOUT.toNanos(), "the idle peer's PINGs came up to " + gap / 1_000_000 + " ms apart"
                + " (interval " + PING_INTERVAL.toMillis() + " ms, timeout " + PING_TIMEOUT.toMillis() + " ms)");
        assertFalse(idleEnded.get(), "the idle connection was closed");
        serverEvents.assertNoMore(); // no connection of the server ended

        // Once released, the blocked connection carries on where it stopped.
        release.countDown();
        assertEquals("block", blockedEchoes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(victim.state().isOpen());
    }

    @Test
    void aListenerThatThrowsOnEveryMessageKeepsItsConnectionAndEveryErrorReachesOnError() throws Exception {
        LinkedBlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        RecordingListener<String> serverEvents = new RecordingListener<>();
        ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onOpen(Connection<String> connection) {
                        serverEvents.onOpen(connection);
                        throw new IllegalStateException("onOpen fails too");
                    }

                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        connection.send(message);
                        int n = Integer.parseInt(message.substring("message ".length()));
                        switch (n % 3) {
                            case 0 -> throw new IllegalStateException(message);
                            case 1 -> throw new AssertionError(message);
                            default -> sneakyThrow(new IOException(message));
                        }
                    }

                    @Override
                    public void onClose(Connection<String> connection, CloseReason reason) {
                        serverEvents.onClose(connection, reason);
                    }

                    @Override
                    public void onError(Connection<String> connection, Throwable error) {
                        errors.add(error);
                    }
                })
                .build();
        resources.add(server);
        InetSocketAddress address = server.bind(Loopback.anyPort());
        LinkedBlockingQueue<String> echoes = new LinkedBlockingQueue<>();
        ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        echoes.add(message);
                    }
                })
                .build();
        resources.add(client);
        Connection<String> connection = client.connect(address);
        Connection<?> serverSide = serverEvents.next(RecordingListener.Open.class).connection();
        Throwable first = errors.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertInstanceOf(IllegalStateException.class, first);
        assertEquals("onOpen fails too", first.getMessage());

        int n = 60;
        for (int i = 0; i < n; i++) {
            connection.send("message " + i);
        }
        for (int i = 0; i < n; i++) {
            String expected = "message " + i;
            assertEquals(expected, echoes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS), "every message got through");
            Throwable error = errors.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(error, "no onError for " + expected);
            assertEquals(expected, error.getMessage());
            Class<?> type = switch (i % 3) {
                case 0 -> IllegalStateException.class;
                case 1 -> AssertionError.class;
                default -> IOException.class;
            };
            assertSame(type, error.getClass(), expected);
        }
        assertNull(errors.poll(), "one onError per throw");
        assertEquals(ConnectionState.ACTIVE, connection.state());
        assertEquals(ConnectionState.ACTIVE, serverSide.state());
        serverEvents.assertNoMore(); // in particular, no onClose
    }

    private final java.util.concurrent.ConcurrentHashMap<Long, LinkedBlockingQueue<String>> echoQueues =
            new java.util.concurrent.ConcurrentHashMap<>();

    private LinkedBlockingQueue<String> echoQueue(Connection<String> connection) {
        return echoQueues.computeIfAbsent(connection.id(), id -> new LinkedBlockingQueue<>());
    }

    /** Answers every PING at once and records when it came; stops at a CLOSE or the end of the stream. */
    private static void answerPings(RawPeer peer, LinkedBlockingQueue<Long> pings, AtomicBoolean ended) {
        try {
            while (true) {
                RawPeer.Frame frame = peer.read();
                if (frame.type() == RawPeer.PING) {
                    pings.add(System.nanoTime());
                    peer.send(RawPeer.pong(frame.nonce()));
                } else if (frame.type() == RawPeer.CLOSE) {
                    ended.set(true);
                    return;
                }
            }
        } catch (IOException e) {
            ended.set(true);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
