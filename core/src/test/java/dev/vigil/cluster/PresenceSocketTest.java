package dev.vigil.cluster;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.internal.presence.InMemoryHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Presence and broadcast wired into real managers over loopback sockets: heartbeats drive presence (SUSPECT, then a
 * timeout that leaves and publishes the will), and a broadcast on one node reaches the clients of another.
 */
@Timeout(30)
class PresenceSocketTest {
    private static final Duration LINGER = Duration.ofMillis(200);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final BlockingQueue<PresenceEvent> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> wills = new LinkedBlockingQueue<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    /** A line server whose first line from each client is the client's key, joined with a will. */
    private InetSocketAddress server(Backplane backplane, Presence presence, HeartbeatPolicy policy)
            throws IOException {
        ConnectionManager<String> manager = closeLater(ConnectionManager.builder(MessageCodec.lines())
                .heartbeat(policy)
                .presence(presence)
                .backplane(backplane)
                .shutdownGrace(Duration.ZERO)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String line) {
                        if (line.equals("bye")) {
                            c.close();
                        } else if (line.startsWith("key ")) {
                            String key = line.substring(4);
                            presence.join(c, key, new LastWill("wills", (key + " died").getBytes(
                                    StandardCharsets.UTF_8)));
                            c.send("joined " + key);
                        }
                    }
                })
                .build());
        return manager.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static PresenceEvent next(BlockingQueue<PresenceEvent> queue) throws InterruptedException {
        PresenceEvent e = queue.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "no presence event within 10 s");
        return e;
    }

    /** A person on a line client that says nothing after its first line, not even PONG. */
    private static final class LineClient implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        LineClient(InetSocketAddress server) throws IOException {
            socket = new Socket(server.getAddress(), server.getPort());
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void say(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String awaitLine(String prefix) throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IOException("closed before a line starting with " + prefix);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aSilentClientTurnsItsKeySuspectThenLeavesAndItsWillIsPublished() throws Exception {
        Backplane backplane = closeLater(Backplane.inMemory());
        closeLater(backplane.subscribe("wills", (t, from, payload) ->
                wills.add(new String(payload, StandardCharsets.UTF_8))));
        Presence presence = closeLater(Presence.builder(backplane).linger(LINGER).listener(events::add).build());
        InetSocketAddress address = server(backplane, presence,
                HeartbeatPolicy.fixed(Duration.ofMillis(100), Duration.ofMillis(800)));
        try (LineClient ann = new LineClient(address)) {
            ann.say("key ann");
            assertEquals(PresenceEvent.Type.JOINED, next(events).type());
            PresenceEvent suspect = next(events);
            assertEquals(PresenceStatus.SUSPECT, suspect.after().status(), suspect.toString());
            PresenceEvent left = next(events);
            assertEquals(PresenceEvent.Type.LEFT, left.type());
            assertEquals(PresenceStatus.SUSPECT, left.before().status(), "it left while suspect");
            assertEquals("ann died", wills.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCleanCloseLeavesWithoutPublishingTheWill() throws Exception {
        Backplane backplane = closeLater(Backplane.inMemory());
        closeLater(backplane.subscribe("wills", (t, from, payload) ->
                wills.add(new String(payload, StandardCharsets.UTF_8))));
        Presence presence = closeLater(Presence.builder(backplane).linger(LINGER).listener(events::add).build());
        InetSocketAddress address = server(backplane, presence,
                HeartbeatPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(15)));
        try (LineClient ann = new LineClient(address); LineClient bob = new LineClient(address)) {
            ann.say("key ann");
            ann.awaitLine("joined");
            ann.say("bye"); // the server closes: CLOSED_LOCALLY, clean
            assertEquals(PresenceEvent.Type.JOINED, next(events).type());
            assertEquals(PresenceEvent.Type.LEFT, next(events).type());
            bob.say("key bob");
            bob.awaitLine("joined");
            bob.socket.setSoLinger(true, 0);
            bob.socket.close(); // a reset: unclean
            assertEquals("bob died", wills.poll(10, TimeUnit.SECONDS), "the first will is bob's, not ann's");
        }
    }

    @Test
    void aBroadcastOnOneNodeReachesTheClientsOfTheOther() throws Exception {
        InMemoryHub hub = new InMemoryHub();
        Backplane one = closeLater(hub.node("one"));
        Backplane two = closeLater(hub.node("two"));
        HeartbeatPolicy policy = HeartbeatPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(15));
        Presence p1 = closeLater(Presence.builder(one).build());
        Presence p2 = closeLater(Presence.builder(two).build());
        InetSocketAddress a1 = server(one, p1, policy);
        ConnectionManager<String> second = closeLater(ConnectionManager.builder(MessageCodec.lines())
                .backplane(two).presence(p2).shutdownGrace(Duration.ZERO).build());
        InetSocketAddress a2 = second.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (LineClient onOne = new LineClient(a1); LineClient onTwo = new LineClient(a2)) {
            onOne.say("key x"); // the first node's clients are ready once they are joined
            onOne.awaitLine("joined");
            while (second.connections().isEmpty()) {
                LockSupport.parkNanos(1_000_000);
            }
            assertEquals(1, second.broadcast("hello from two").get(5, TimeUnit.SECONDS), "counts this node's");
            assertEquals("hello from two", onTwo.awaitLine("hello"));
            assertEquals("hello from two", onOne.awaitLine("hello"));
        }
    }
}
