package dev.vigil;

import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections that end every way give back their threads, sockets and registry entries. */
class LeakTest {

    @Test
    @Timeout(120)
    void fourHundredMixedConnectAndCloseCyclesLeaveNothingBehind() throws Exception {
        cycles(400);
    }

    @Test
    @Tag("long")
    @Timeout(1800)
    void tenThousandMixedConnectAndCloseCyclesLeaveNothingBehind() throws Exception {
        cycles(10_000);
    }

    private static long openFiles() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private void cycles(int n) throws Exception {
        LinkedBlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();
        ConnectionListener<byte[]> recordCloses = new ConnectionListener<>() {
            @Override
            public void onClose(Connection<byte[]> connection, CloseReason reason) {
                closes.add(reason);
            }
        };
        // PINGs every 20 ms everywhere, so the timer's entries come and go with every connection; only the server
        // for silent peers declares them dead quickly. On the other one a peer between two steps (a RawPeer that
        // answers no PING) is not dead until 10 s of silence, however late a loaded machine runs the test thread.
        ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofSeconds(10)))
                .listener(recordCloses).build();
        InetSocketAddress address = server.bind(Loopback.anyPort());
        ConnectionManager<byte[]> impatient = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofMillis(60)))
                .listener(recordCloses).build();
        InetSocketAddress forSilentPeers = impatient.bind(Loopback.anyPort());
        ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofSeconds(10))).build();
        // Warm up so that lazily created JDK threads and files are counted in the baseline.
        client.connect(address).close();
        assertNotNull(closes.poll(10, TimeUnit.SECONDS));
        long filesBefore = openFiles();
        int threadsBefore = Thread.activeCount();

        Map<CloseReason.Kind, Integer> seen = new EnumMap<>(CloseReason.Kind.class);
        for (int i = 0; i < n; i++) {
            switch (i % 4) {
                case 0 -> { // a normal close
                    Connection<byte[]> c = client.connect(address);
                    c.send(new byte[]{1}).get(5, TimeUnit.SECONDS);
                    c.close();
                }
                case 1 -> { // a reset
                    try (RawPeer peer = new RawPeer(address).handshake()) {
                        peer.socket.setSoLinger(true, 0);
                    }
                }
                case 2 -> { // a protocol error
                    try (RawPeer peer = new RawPeer(address).handshake()) {
                        peer.send(RawPeer.frame((byte) 0x55, new byte[0]));
                        peer.readUntilClose();
                    }
                }
                default -> { // a heartbeat timeout: the peer stays connected and says nothing
                    try (RawPeer peer = new RawPeer(forSilentPeers).handshake()) {
                        CloseReason reason = closes.poll(10, TimeUnit.SECONDS);
                        assertNotNull(reason);
                        assertTrue(peer.sawEndOfStream(), "the server closed the silent peer's socket");
                        seen.merge(reason.kind(), 1, Integer::sum);
                        continue;
                    }
                }
            }
            CloseReason reason = closes.poll(10, TimeUnit.SECONDS);
            assertNotNull(reason, "cycle " + i + " closed");
            seen.merge(reason.kind(), 1, Integer::sum);
        }
        assertTrue(seen.getOrDefault(CloseReason.Kind.HEARTBEAT_TIMEOUT, 0) >= n / 4, seen.toString());
        assertTrue(seen.getOrDefault(CloseReason.Kind.PROTOCOL_ERROR, 0) >= n / 4, seen.toString());
        assertTrue(seen.getOrDefault(CloseReason.Kind.CLOSED_BY_PEER, 0)
                + seen.getOrDefault(CloseReason.Kind.RESET, 0) >= n / 2, seen.toString());

        Await.until(Duration.ofSeconds(10), () -> server.connections().isEmpty() && impatient.connections().isEmpty()
                && client.connections().isEmpty(), "every connection left the registries");
        Await.until(Duration.ofSeconds(10), () -> openFiles() <= filesBefore + 5,
                "open files back to " + filesBefore + " (now " + openFiles() + ")");
        assertTrue(Thread.activeCount() <= threadsBefore + 2,
                "platform threads back to " + threadsBefore + " (now " + Thread.activeCount() + ")");
        server.close();
        impatient.close();
        client.close();
        assertEquals(0, server.connections().size());
    }
}
