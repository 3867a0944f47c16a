package dev.vigil;

import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded outbound queue per connection, and what each {@link BackpressurePolicy} does when it is full. The peer
 * here is a server whose listener holds its reader until the test lets go, so the kernel's socket buffers fill and
 * the client's queue has nowhere to drain.
 */
@Timeout(60)
class BackpressureTest {
    private static final int QUEUE = 16;
    private static final int SIZE = 32 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long MIB = 1 << 20;
    private static final int READ_UNIT = 64 * 1024;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final LinkedBlockingQueue<Integer> received = new LinkedBlockingQueue<>();
    private final RecordingListener<byte[]> clientEvents = new RecordingListener<>();

    @AfterEach
    void closeResources() throws Exception {
        release.countDown();
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    /** A server that records each message's sequence number, but not before the test releases it. */
    private InetSocketAddress stalledServer() throws IOException {
        ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        try {
                            assertTrue(release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "never released");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        received.add(ByteBuffer.wrap(message).getInt());
                    }
                })
                .build();
        resources.add(server);
        return server.bind(Loopback.anyPort());
    }

    private Connection<byte[]> client(BackpressurePolicy policy) throws IOException, InterruptedException {
        ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none())
                .maxQueuedMessages(QUEUE)
                .backpressure(policy)
                .listener(clientEvents)
                .build();
        resources.add(client);
        Connection<byte[]> connection = client.connect(stalledServer());
        clientEvents.next(RecordingListener.Open.class);
        return connection;
    }

    private static byte[] message(int seq) {
        return ByteBuffer.allocate(SIZE).putInt(seq).array();
    }

    /** Takes {@code n} sequence numbers from the server, each within the deadline. */
    private List<Integer> receive(int n) throws InterruptedException {
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Integer seq = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(seq, "message " + i + " of " + n + " never reached the server; got " + got.size());
            got.add(seq);
        }
        return got;
    }

    @Test
    void underFailAFullQueueRejectsSendsAtOnceAndTheConnectionStaysOpen() throws Exception {
        Connection<byte[]> connection = client(BackpressurePolicy.FAIL);
        List<Integer> accepted = new ArrayList<>();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        // Send until the link has stalled for good: 200 rejections in a row. (Before that, a rejection can come
        // while the writer is still handing bytes to the kernel, and a later send finds room again.)
        int seq = 0;
        int rejectedInARow = 0;
        while (rejectedInARow < 200) {
            assertTrue(seq < 50_000, "no stall after " + seq + " sends of " + SIZE + " bytes");
            CompletableFuture<Void> send = connection.send(message(seq));
            if (send.isCompletedExceptionally()) {
                // Failed before send returned: at once, and with the FAIL policy's exception.
                assertInstanceOf(RejectedExecutionException.class, send.exceptionNow());
                rejectedInARow++;
            } else {
                accepted.add(seq);
                sends.add(send);
                rejectedInARow = 0;
            }
            seq++;
        }
        assertTrue(connection.state().isOpen(), "rejecting sends does not close the connection: " + connection);
        assertTrue(connection.stats().queuedMessages() >= QUEUE, "a full queue shows: " + connection.stats());

        release.countDown();
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // The connection is still fine: a send goes through once the queue has drained.
        Await.until(WAIT, () -> connection.stats().queuedMessages() == 0, "the queue drains");
        connection.send(message(-1)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        accepted.add(-1);
        assertEquals(accepted, receive(accepted.size()), "every accepted message, in order, and no rejected one");
        assertTrue(connection.state().isOpen());
        clientEvents.assertNoMore();
    }

    @Test
    void aStalledConnectionHoldsAtMostMaxQueuedMessagesAcceptedAndNotYetWritten() throws Exception {
        Connection<byte[]> connection = client(BackpressurePolicy.FAIL);
        int seq = 0;
        int rejectedInARow = 0;
        while (rejectedInARow < 200) {
            assertTrue(seq < 50_000, "no stall after " + seq + " sends of " + SIZE + " bytes");
            rejectedInARow = connection.send(message(seq++)).isCompletedExceptionally() ? rejectedInARow + 1 : 0;
        }
        // ConnectionManager.Builder.maxQueuedMessages: "how many messages one connection may have accepted by send
        // and not yet written"; ConnectionStats.queuedMessages: "accepted by send and not yet written".
        assertTrue(connection.stats().queuedMessages() <= QUEUE, "maxQueuedMessages " + QUEUE + ", but "
                + connection.stats().queuedMessages() + " accepted and not yet written");
    }

    @Test
    void underBlockASenderWaitsForRoomAndThenEverythingArrivesInOrder() throws Exception {
        Connection<byte[]> connection = client(BackpressurePolicy.BLOCK);
        int total = 1000; // 32 MiB: far more than the socket buffers and the queue hold
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        AtomicInteger returned = new AtomicInteger();
        Thread sender = Thread.ofVirtual().name("test-sender").start(() -> {
            for (int i = 0; i < total; i++) {
                CompletableFuture<Void> send = connection.send(message(i));
                synchronized (sends) {
                    sends.add(send);
                }
                returned.incrementAndGet();
            }
        });
        Await.until(WAIT, () -> sender.getState() == Thread.State.WAITING
                        && connection.stats().queuedMessages() >= QUEUE,
                "the sender blocks on a full queue");
        int blockedAt = returned.get();
        assertTrue(blockedAt < total, "every send returned: nothing blocked");
        assertTrue(sender.isAlive());
        synchronized (sends) {
            assertTrue(sends.stream().noneMatch(CompletableFuture::isCompletedExceptionally),
                    "no send fails under BLOCK");
        }

        release.countDown();
        assertTrue(sender.join(WAIT), "the sender finishes once the server reads");
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(IntStream.range(0, total).boxed().toList(), receive(total));
        assertTrue(connection.state().isOpen());
        clientEvents.assertNoMore();
    }

    @Test
    void underCloseAFullQueueClosesTheConnectionAsASlowConsumerAndFailsTheSend() throws Exception {
        Connection<byte[]> connection = client(BackpressurePolicy.CLOSE);
        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        int seq = 0;
        CompletableFuture<Void> failed = null;
        while (failed == null) {
            assertTrue(seq < 20_000, "no send failed after " + seq + " sends of " + SIZE + " bytes");
            CompletableFuture<Void> send = connection.send(message(seq++));
            if (send.isCompletedExceptionally()) {
                failed = send;
            } else {
                accepted.add(send);
            }
        }
        ConnectionClosedException error = assertInstanceOf(ConnectionClosedException.class, failed.exceptionNow());
        assertEquals(CloseReason.Kind.SLOW_CONSUMER, error.reason().kind(), error.reason().toString());

        CloseReason reason = clientEvents.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.SLOW_CONSUMER, reason.kind(), reason.toString());
        assertFalse(reason.remote());
        assertEquals(ConnectionState.CLOSED, connection.state());
        CompletableFuture<Void> late = connection.send(message(seq));
        assertEquals(CloseReason.Kind.SLOW_CONSUMER,
                assertInstanceOf(ConnectionClosedException.class, late.exceptionNow()).reason().kind());
        // Every future settles: written before the close, or failed with the reason; none is left hanging.
        for (CompletableFuture<Void> send : accepted) {
            assertTrue(send.isDone(), "a send future left hanging after onClose");
            if (send.isCompletedExceptionally()) {
                assertEquals(CloseReason.Kind.SLOW_CONSUMER,
                        assertInstanceOf(ConnectionClosedException.class, send.exceptionNow()).reason().kind());
            }
        }
        clientEvents.assertNoMore();
    }

    // =================================================================================================================
    // A peer that never reads
    // =================================================================================================================

    @Test
    void aPeerThatNeverReadsCannotMakeTheServerHoldMoreThanItsQueue() throws Exception {
        pushToASlowReader(64 * MIB, 0);
    }

    @Tag("long")
    @Test
    @Timeout(300)
    void aPeerThatReadsOnlyNowAndThenWhileTheServerSendsItOneGibibyteLeavesTheServersHeapBounded()
            throws Exception {
        pushToASlowReader(1024 * MIB, 64 * MIB);
    }

    /**
     * A server sends {@code total} bytes in 1 KiB messages under {@link BackpressurePolicy#BLOCK} to a raw peer that
     * reads nothing, then (if {@code burst} is positive) reads {@code burst} bytes, stops again, and so on. Each time
     * the server's sender is blocked, the heap (after a full GC) must be within the queue's worth of the baseline.
     */
    private void pushToASlowReader(long total, long burst) throws Exception {
        int queue = 64;
        int size = 1024;
        CompletableFuture<Connection<byte[]>> opened = new CompletableFuture<>();
        ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none())
                .maxQueuedMessages(queue)
                .backpressure(BackpressurePolicy.BLOCK)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onOpen(Connection<byte[]> connection) {
                        opened.complete(connection);
                    }
                })
                .build();
        resources.add(server);
        RawPeer peer = new RawPeer(server.bind(Loopback.anyPort())).handshake();
        resources.add(peer);
        Connection<byte[]> connection = opened.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        // The peer reads only what it is allowed to, in 64 KiB units.
        Semaphore allowance = new Semaphore(0);
        AtomicLong read = new AtomicLong();
        Thread reader = Thread.ofVirtual().name("test-slow-reader").start(() -> drain(peer.in, allowance, read));
        resources.add(reader::interrupt);

        long bound = queue * (long) (size + 256) + 32 * MIB;
        long baseline = usedHeapAfterGc();
        AtomicLong attempted = new AtomicLong();
        Thread sender = Thread.ofVirtual().name("test-pusher").start(() -> {
            while (attempted.get() < total && connection.state().isOpen()) {
                connection.send(new byte[size]);
                attempted.addAndGet(size);
            }
        });
        resources.add(sender::interrupt);

        int probes = 0;
        while (true) {
            Await.until(WAIT, () -> !sender.isAlive() || sender.getState() == Thread.State.WAITING
                            && connection.stats().queuedMessages() >= queue,
                    "the sender blocks on the full queue or finishes");
            long grown = usedHeapAfterGc() - baseline;
            probes++;
            assertTrue(grown < bound, "heap grew by " + grown / MIB + " MiB after " + attempted.get() / MIB
                    + " MiB attempted; bound " + bound / MIB + " MiB (" + queue + " x " + size + " bytes + slack)");
            if (!sender.isAlive()) {
                break;
            }
            if (burst == 0) {
                assertTrue(attempted.get() < total, "every send was accepted by a peer that never reads");
                break;
            }
            allowance.release((int) (burst / READ_UNIT));
        }
        assertTrue(probes >= (burst == 0 ? 1 : total / burst / 2), "heap probes: " + probes);
        if (burst > 0) {
            assertEquals(total, attempted.get());
            allowance.release(Integer.MAX_VALUE / 2);
            Await.until(WAIT, () -> read.get() >= total, "the peer receives all " + total / MIB + " MiB");
        }
        peer.socket.setSoLinger(true, 0);
        peer.close(); // unblocks a blocked sender: its sends fail once the connection is reset
        assertTrue(sender.join(WAIT), "the sender ends once the peer is gone");
    }

    private static void drain(InputStream in, Semaphore allowance, AtomicLong read) {
        byte[] buf = new byte[READ_UNIT];
        try {
            while (true) {
                allowance.acquire();
                int n = in.readNBytes(buf, 0, buf.length);
                read.addAndGet(n);
                if (n < buf.length) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }

    /**
     * The heap in use after a full collection. (Runtime rather than MemoryMXBean: the tests run in Vigil's module,
     * which does not read java.management.)
     */
    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void underBlockASendFromAnotherConnectionsCallbackFailsInsteadOfWaiting() throws Exception {
        Connection<byte[]> stalled = client(BackpressurePolicy.BLOCK);
        // A second connection whose peer sends one message on open: its onMessage runs on that connection's reader.
        ConnectionManager<byte[]> greeter = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onOpen(Connection<byte[]> connection) {
                        connection.send(new byte[1]);
                    }
                })
                .build();
        resources.add(greeter);
        CompletableFuture<Integer> acceptedBeforeFailure = new CompletableFuture<>();
        ConnectionManager<byte[]> clients = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none())
                .maxQueuedMessages(QUEUE)
                .backpressure(BackpressurePolicy.BLOCK)
                .build();
        resources.add(clients);
        clients.connect(greeter.bind(Loopback.anyPort()), new ConnectionListener<>() {
            @Override
            public void onMessage(Connection<byte[]> connection, byte[] message) {
                for (int seq = 0; seq < 50_000; seq++) {
                    CompletableFuture<Void> send = stalled.send(message(seq)); // would wait here if it acted as BLOCK
                    if (send.isCompletedExceptionally()) {
                        if (send.exceptionNow() instanceof RejectedExecutionException) {
                            acceptedBeforeFailure.complete(seq);
                        } else {
                            acceptedBeforeFailure.completeExceptionally(send.exceptionNow());
                        }
                        return;
                    }
                }
                acceptedBeforeFailure.completeExceptionally(new AssertionError("no send failed"));
            }
        }, null);
        int accepted = acceptedBeforeFailure.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(accepted >= QUEUE, "the queue filled first: " + accepted + " sends accepted");
        assertTrue(stalled.state().isOpen(), "a rejected send does not close the connection: " + stalled);
    }
}
