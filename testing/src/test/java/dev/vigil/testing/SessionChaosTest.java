package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.ReconnectListener;
import dev.vigil.ReconnectPolicy;
import dev.vigil.ReconnectingClient;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionListener;
import dev.vigil.SessionPolicy;
import dev.vigil.testing.FaultProxy.Direction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions through a link that is cut and reset over and over while numbered messages flow both ways: each side must
 * receive exactly the sequence the other sent, in order, with no gap and no duplicate, and no resume may fail.
 */
final class SessionChaosTest {

    @Test
    @Timeout(60)
    void everyMessageArrivesOnceInOrderAcrossOneHundredCutsAndResets() throws Exception {
        run(10_000, 100);
    }

    @Test
    @Tag("long")
    @Timeout(600)
    void everyMessageArrivesOnceInOrderAcrossOneThousandCutsAndResets() throws Exception {
        run(100_000, 1_000);
    }

    private static final AtomicReference<java.util.function.Supplier<String>> STATE = new AtomicReference<>(() -> "");

    private static void run(int messages, int cuts) throws Exception {
        SessionPolicy policy = SessionPolicy.builder().linger(Duration.ofMinutes(1)).build();
        Side server = new Side();
        ConnectionManager<String> serverManager = ConnectionManager.builder(MessageCodec.utf8())
                .sessions(policy).listener(server)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(5))).build();
        InetSocketAddress bound = serverManager.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Side client = new Side();
        AtomicInteger cut = new AtomicInteger();
        try (FaultProxy proxy = FaultProxy.start(bound, 7)) {
            ReconnectingClient<String> reconnecting = ReconnectingClient.start(
                    ConnectionManager.builder(MessageCodec.utf8()).sessions(policy)
                            .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(5))),
                    ReconnectPolicy.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(20))
                            .build(), client, List.of(proxy.address()));
            try {
                int perCut = messages / cuts;
                STATE.set(() -> "cuts " + cut.get() + ", client received " + client.received.size()
                        + ", server received " + server.received.size() + ", resumes " + client.resumes.get()
                        + ", links " + proxy.activeLinks() + ", client " + reconnecting.current()
                        + ", server conn " + server.current.get() + " "
                        + (server.current.get() == null ? "" : server.current.get().stats()) + ", client stats "
                        + (reconnecting.current() == null ? "" : reconnecting.current().stats()));
                Thread clientSender = Thread.ofVirtual().start(() -> {
                    for (int n = 0; n < messages; n++) {
                        int at = n;
                        client.await(() -> cut.get() >= at / perCut);
                        reconnecting.send("c" + n);
                    }
                });
                Thread serverSender = Thread.ofVirtual().start(() -> {
                    for (int n = 0; n < messages; n++) {
                        int at = n;
                        server.await(() -> cut.get() >= at / perCut);
                        while (true) { // a send on a connection already dead is not in the session: retry on the next
                            Connection<String> c = server.current.get();
                            CompletableFuture<Void> f = c == null ? null : c.send("s" + n);
                            if (f != null && !f.isCompletedExceptionally()) {
                                break;
                            }
                            Connection<String> dead = c;
                            server.await(() -> server.current.get() != dead);
                        }
                    }
                });
                Random random = new Random(11);
                for (int c = 1; c <= cuts; c++) {
                    int threshold = (c - 1) * perCut + perCut / 2;
                    int resumesBefore = client.resumes.get();
                    client.await(() -> client.received.size() >= threshold && server.received.size() >= threshold
                            && proxy.activeLinks() > 0 && reconnecting.current() != null);
                    Connection<String> before = reconnecting.current();
                    if (c % 2 == 0) {
                        proxy.resetAll();
                    } else {
                        proxy.cutAfter(Direction.BOTH, random.nextInt(300)); // less than the next 100 frames take
                    }
                    cut.incrementAndGet();
                    server.signal();
                    client.signal();
                    client.await(() -> reconnecting.current() != before); // the cut link is gone
                    proxy.clearToxics(); // the next link lives
                    client.await(() -> client.resumes.get() > resumesBefore);
                }
                client.await(() -> server.received.size() >= messages && client.received.size() >= messages);
                clientSender.join();
                serverSender.join();
                assertSequence("c", messages, server.received);
                assertSequence("s", messages, client.received);
                assertEquals(List.of(), server.failures);
                assertEquals(List.of(), client.failures);
                assertTrue(client.resumes.get() >= cuts, "resumes: " + client.resumes.get());
            } finally {
                reconnecting.close();
            }
        } finally {
            serverManager.shutdown(Duration.ofSeconds(2));
        }
    }

    private static void assertSequence(String prefix, int n, List<String> received) {
        List<String> expected = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            expected.add(prefix + i);
        }
        if (!expected.equals(received)) {
            int i = 0;
            while (i < Math.min(expected.size(), received.size()) && expected.get(i).equals(received.get(i))) {
                i++;
            }
            throw new AssertionError("sequence differs at index " + i + " of " + received.size() + ": expected "
                    + (i < n ? expected.get(i) : "end") + ", got " + (i < received.size() ? received.get(i) : "end"));
        }
    }

    /** One side's record: what arrived, its current connection, its resumes; waits on conditions, never sleeps. */
    private static final class Side implements ReconnectListener<String>, SessionListener<String> {
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicReference<Connection<String>> current = new AtomicReference<>();
        final AtomicInteger resumes = new AtomicInteger();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();

        @Override
        public void onMessage(Connection<String> connection, String message) {
            received.add(message);
            signal();
        }

        @Override
        public void onSessionStarted(Connection<String> connection, UUID session) {
            current.set(connection);
            signal();
        }

        @Override
        public void onResumed(Connection<String> connection, UUID session, long toPeer, long fromPeer) {
            current.set(connection);
            resumes.incrementAndGet();
            signal();
        }

        @Override
        public void onResumeFailed(Connection<String> connection, UUID session, ResumeFailure reason,
                                   List<String> undelivered) {
            failures.add(reason + " " + undelivered.size());
            signal();
        }

        @Override
        public void onSessionExpired(Connection<String> lastConnection, UUID session, List<String> undelivered) {
            failures.add("expired " + undelivered.size());
        }

        @Override
        public void onClose(Connection<String> connection, dev.vigil.CloseReason reason) {
            signal();
        }

        void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void await(BooleanSupplier condition) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            lock.lock();
            try {
                while (!condition.getAsBoolean()) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError("condition not met within 20 s: " + STATE.get().get());
                    }
                    // Bounded waits: a condition about another side's state is signalled by that side, not ours.
                    changed.await(10, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } finally {
                lock.unlock();
            }
        }
    }
}
