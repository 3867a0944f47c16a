package dev.vigil;

import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our own process stalling is not the peer's silence: while every carrier of the virtual-thread scheduler is busy, a
 * peer's frames wait in the socket (the reader, and on JDK 25 the poller that would wake it, cannot run), and the
 * heartbeat timer, a platform thread, must not take that for a dead or suspect peer.
 */
class StarvedSchedulerTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    /** How many carriers the scheduler has: as many CPU-bound virtual threads keep them all busy. */
    private static int carriers() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    }

    @Test
    @Timeout(30)
    void aPeerWhoseFramesWaitInTheSocketWhileEveryCarrierIsBusyIsNeitherSuspectNorDead() throws Exception {
        LinkedBlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
        List<Long> allArrivals = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<String> alarms = new LinkedBlockingQueue<>();
        ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), TIMEOUT))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        long now = System.nanoTime();
                        allArrivals.add(now);
                        arrivals.add(now);
                    }

                    @Override
                    public void onStateChange(Connection<byte[]> connection, ConnectionState from,
                                              ConnectionState to) {
                        alarms.add(from + " -> " + to);
                    }

                    @Override
                    public void onClose(Connection<byte[]> connection, CloseReason reason) {
                        alarms.add("closed: " + reason);
                    }
                }).build();
        AtomicBoolean running = new AtomicBoolean(true);
        try (server; RawPeer peer = new RawPeer(server.bind(Loopback.anyPort())).handshake()) {
            // The peer is alive throughout: it sends a frame every 20 ms and answers every PING, on platform threads.
            Thread sender = Thread.ofPlatform().daemon().start(() -> sendEvery20Ms(peer, running));
            Thread answerer = Thread.ofPlatform().daemon().start(() -> answerPings(peer, running));
            assertNotNull(arrivals.poll(5, TimeUnit.SECONDS), "the server heard the peer");

            starveEveryCarrierFor(TIMEOUT.multipliedBy(6));
            long starvedUntil = System.nanoTime();
            Long after;
            do {
                after = arrivals.poll(10, TimeUnit.SECONDS);
                assertNotNull(after, "the reader caught up once the carriers were free");
            } while (after - starvedUntil < 0);

            // The starvation was real: messages stopped arriving for longer than the timeout...
            long gap = largestGap(allArrivals);
            assertTrue(gap > TIMEOUT.toNanos(), "the reader was starved for " + gap / 1_000_000 + " ms");
            // ...and the peer was never taken for suspect or dead.
            List<String> raised = new ArrayList<>();
            alarms.drainTo(raised);
            assertEquals(List.of(), raised, "a live peer behind a busy scheduler raised an alarm");
            assertEquals(1, server.connections().size());
            Connection<byte[]> connection = server.connections().iterator().next();
            assertNull(connection.closeReason());
            assertEquals(ConnectionState.ACTIVE, connection.state());
            running.set(false);
            sender.join(5_000);
            answerer.interrupt();
        }
    }

    private static long largestGap(List<Long> times) {
        long largest = 0;
        for (int i = 1; i < times.size(); i++) {
            largest = Math.max(largest, times.get(i) - times.get(i - 1));
        }
        return largest;
    }

    /** Keeps every carrier spinning for {@code duration}: no other virtual thread runs meanwhile. */
    private static void starveEveryCarrierFor(Duration duration) throws InterruptedException {
        int n = carriers();
        CountDownLatch spinning = new CountDownLatch(n);
        List<Thread> spinners = new ArrayList<>();
        long until = System.nanoTime() + duration.toNanos();
        for (int i = 0; i < n; i++) {
            spinners.add(Thread.ofVirtual().name("spinner-" + i).start(() -> {
                spinning.countDown();
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
            }));
        }
        assertTrue(spinning.await(10, TimeUnit.SECONDS), "every carrier is spinning");
        for (Thread spinner : spinners) {
            spinner.join();
        }
    }

    private static void sendEvery20Ms(RawPeer peer, AtomicBoolean running) {
        try {
            for (int i = 0; running.get(); i++) {
                peer.send(RawPeer.frame(RawPeer.DATA, ByteBuffer.allocate(4).putInt(i).array()));
                Thread.sleep(20); // the peer's own pace, not a wait for a condition
            }
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }

    private static void answerPings(RawPeer peer, AtomicBoolean running) {
        try {
            while (running.get()) {
                RawPeer.Frame frame = peer.read();
                if (frame.type() == RawPeer.PING) {
                    peer.send(RawPeer.pong(frame.nonce()));
                }
            }
        } catch (IOException e) {
            // the test is over
        }
    }
}
