package dev.vigil;

import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients that open a connection and then trickle or send nothing are closed; everyone else is served. */
class SlowlorisTest {

    @Test
    @Timeout(60)
    void fiveHundredSlowlorisConnectionsAreClosedWithinTheHandshakeTimeoutWhileANormalClientKeepsItsThroughput()
            throws Exception {
        Duration handshakeTimeout = Duration.ofSeconds(1);
        try (ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .handshakeTimeout(handshakeTimeout)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        connection.send(message);
                    }
                }).build();
             ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                     .listener(new ConnectionListener<>() {
                         @Override
                         public void onMessage(Connection<byte[]> connection, byte[] message) {
                             echoes.incrementAndGet();
                             if (running.get()) {
                                 connection.send(message);
                             }
                         }
                     }).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            Connection<byte[]> normal = client.connect(address);
            for (int i = 0; i < 4; i++) {
                normal.send(new byte[64]);
            }

            // The attackers: each sends the first two bytes of a HELLO, then a byte every 300 ms, or nothing at all.
            long start = System.nanoTime();
            List<Socket> attackers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                Socket s = new Socket();
                s.connect(address, 5000);
                s.getOutputStream().write(new byte[]{'V', 'I'});
                attackers.add(s);
            }
            long echoesAtStart = echoes.get();
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                byte[] rest = {'G', 'L', 1};
                for (int b = 0; b < rest.length && running.get(); b++) {
                    for (int i = 0; i < attackers.size(); i += 2) {
                        try {
                            attackers.get(i).getOutputStream().write(rest[b]);
                        } catch (IOException closedAlready) {
                            // the server gave up on it: that is the point
                        }
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
                }
            });

            // Every attacker sees its connection closed: the HELLO it received, then end of stream.
            long latest = 0;
            for (Socket s : attackers) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                try {
                    while (in.read() >= 0) {
                        // the server's HELLO
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    throw new AssertionError("a slowloris connection was still open after 10 s", stillOpen);
                } catch (IOException reset) {
                    // also closed
                }
                latest = System.nanoTime();
                s.close();
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(latest - start);
            long served = echoes.get() - echoesAtStart;
            running.set(false);
            trickle.get(10, TimeUnit.SECONDS);

            assertTrue(tookMillis < handshakeTimeout.toMillis() + 2000,
                    "all 500 closed " + tookMillis + " ms after they connected");
            assertTrue(served > 1000, "the normal client kept being served meanwhile: " + served + " echoes");
            assertTrue(normal.state().isOpen());
        }
    }

    private final AtomicLong echoes = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
}
