package dev.vigil;

import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Graceful shutdown loses nothing that was accepted, and leaves no send future hanging. */
class ShutdownTest {

    @Test
    @Timeout(120)
    void everyMessageWhoseSendSucceededReachesItsReceiverThroughAShutdown() throws Exception {
        shutdownWithQueuedMessages(20, 2_000);
    }

    @Test
    @Tag("long")
    @Timeout(600)
    void aHundredConnectionsWithTenThousandQueuedMessagesEachLoseNothingAtShutdown() throws Exception {
        shutdownWithQueuedMessages(100, 10_000);
    }

    private void shutdownWithQueuedMessages(int connections, int perConnection) throws Exception {
        // Receivers record every (connection, sequence) they get.
        Set<Long> received = ConcurrentHashMap.newKeySet();
        LinkedBlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
        ConnectionListener<byte[]> receiving = new ConnectionListener<>() {
            @Override
            public void onMessage(Connection<byte[]> connection, byte[] message) {
                received.add(ByteBuffer.wrap(message).getLong());
            }

            @Override
            public void onClose(Connection<byte[]> connection, CloseReason reason) {
                closes.add(reason);
            }
        };
        ConnectionManager<byte[]> receivers = ConnectionManager.builder(MessageCodec.bytes()).listener(receiving).build();
        InetSocketAddress address = receivers.bind(Loopback.anyPort());
        ConnectionManager<byte[]> sender = ConnectionManager.builder(MessageCodec.bytes())
                .maxQueuedMessages(perConnection).build();
        List<Connection<byte[]>> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            open.add(sender.connect(address));
        }
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        for (int seq = 0; seq < perConnection; seq++) {
            for (int i = 0; i < connections; i++) {
                long key = (long) i << 32 | seq;
                ByteBuffer payload = ByteBuffer.allocate(64).putLong(key);
                sends.add(open.get(i).send(payload.array()));
                keys.add(key);
            }
        }
        // Shut down with everything still queued: the sender flushes, tells each peer, and waits for them.
        assertTrue(sender.shutdown(Duration.ofSeconds(60)), "every connection closed within the grace period");
        int succeeded = 0;
        for (int i = 0; i < sends.size(); i++) {
            CompletableFuture<Void> send = sends.get(i);
            assertTrue(send.isDone(), "no send future is left hanging");
            if (!send.isCompletedExceptionally()) {
                succeeded++;
                assertTrue(received.contains(keys.get(i)), "message " + Long.toHexString(keys.get(i))
                        + " was reported written but never arrived");
            }
        }
        assertEquals(sends.size(), succeeded, "a graceful shutdown writes everything that was queued");
        for (int i = 0; i < connections; i++) {
            CloseReason reason = closes.poll(30, TimeUnit.SECONDS);
            assertTrue(reason != null, "receiver " + i + " heard the close");
            assertEquals(CloseReason.Kind.SHUTDOWN, reason.kind());
            assertTrue(reason.remote(), "the receivers were told the sender is shutting down");
        }
        receivers.shutdown(Duration.ofSeconds(5));
    }

    @Test
    @Timeout(30)
    void shutdownWithZeroGraceFailsWhatWasNotWrittenWithTheShutdownReason() throws Exception {
        ConnectionManager<byte[]> receivers = ConnectionManager.builder(MessageCodec.bytes())
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        try {
                            Thread.sleep(Duration.ofSeconds(30)); // never reads again while the test runs
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).shutdownGrace(Duration.ZERO).build();
        InetSocketAddress address = receivers.bind(Loopback.anyPort());
        ConnectionManager<byte[]> sender = ConnectionManager.builder(MessageCodec.bytes())
                .maxQueuedMessages(10_000).build();
        Connection<byte[]> c = sender.connect(address);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            sends.add(c.send(new byte[16 * 1024]));
        }
        sender.shutdown(Duration.ZERO);
        long failed = sends.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        assertTrue(sends.stream().allMatch(CompletableFuture::isDone));
        assertTrue(failed > 0, "80 MB cannot all have been written to a peer that does not read");
        sends.stream().filter(CompletableFuture::isCompletedExceptionally).forEach(f -> {
            Throwable cause = f.handle((v, e) -> e).join();
            assertTrue(cause instanceof ConnectionClosedException closed
                    && closed.reason().kind() == CloseReason.Kind.SHUTDOWN, String.valueOf(cause));
        });
        receivers.shutdown(Duration.ZERO);
        assertTrue(c.state() == ConnectionState.CLOSED);
        assertEquals(0, sender.connections().size());
    }
}
