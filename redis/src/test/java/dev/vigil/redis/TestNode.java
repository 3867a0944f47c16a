package dev.vigil.redis;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.cluster.KeyPresence;
import dev.vigil.cluster.Presence;
import dev.vigil.cluster.PresenceEvent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * One Vigil node as a test sees it: a Redis backplane, presence, and a line server where a client's {@code key ann}
 * puts its connection under {@code ann} and {@code bye} closes it.
 */
final class TestNode implements AutoCloseable {
    static final Duration TTL = Duration.ofMillis(1000);
    static final Duration REFRESH = Duration.ofMillis(250);
    static final Duration LINGER = Duration.ofMillis(200);

    final RedisBackplane backplane;
    final Presence presence;
    final ConnectionManager<String> manager;
    final InetSocketAddress address;
    final BlockingQueue<PresenceEvent> events = new LinkedBlockingQueue<>();

    TestNode(String redisUri, String nodeId) throws IOException {
        backplane = RedisBackplane.builder(redisUri).nodeId(nodeId).nodeTtl(TTL).refreshInterval(REFRESH)
                .maxReconnectDelay(Duration.ofMillis(200)).build();
        presence = Presence.builder(backplane).linger(LINGER).listener(events::add).build();
        manager = ConnectionManager.builder(MessageCodec.lines())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(30), Duration.ofSeconds(90)))
                .presence(presence)
                .backplane(backplane)
                .shutdownGrace(Duration.ZERO)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String line) {
                        if (line.startsWith("key ")) {
                            presence.join(c, line.substring(4));
                            c.send("joined " + line.substring(4));
                        } else if (line.equals("bye")) {
                            c.close();
                        }
                    }
                })
                .build();
        address = manager.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Waits until the key looks as the test wants on this node; fails after {@code timeout}. */
    KeyPresence await(String key, Predicate<KeyPresence> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        KeyPresence now = presence.get(key);
        while (!condition.test(now)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(backplane.nodeId() + ": " + key + " is " + now + " after " + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            now = presence.get(key);
        }
        return now;
    }

    /** Waits until this node has the given number of open connections. */
    void awaitConnections(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (manager.connections().size() != n) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(manager.connections().size() + " connections, expected " + n);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    @Override
    public void close() {
        manager.close();
        presence.close();
        backplane.close();
    }

    /** A node in a JVM of its own, for the SIGKILL test: {@code NodeMain <redis uri> <node id>}. */
    static final class NodeMain {
        private NodeMain() {
        }

        public static void main(String[] args) throws Exception {
            TestNode node = new TestNode(args[0], args[1]);
            System.out.println("READY " + node.address.getPort());
            System.out.flush();
            Thread.currentThread().join(); // until killed
        }
    }
}
