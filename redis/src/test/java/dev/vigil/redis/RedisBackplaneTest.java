package dev.vigil.redis;

import dev.vigil.cluster.KeyPresence;
import dev.vigil.cluster.PresenceEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nodes (managers in one JVM) on one real Redis: broadcast reaches both, presence converges on both. */
@Timeout(60)
class RedisBackplaneTest {
    private RedisProcess redis;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startRedis() throws IOException {
        redis = RedisProcess.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        redis.close();
    }

    private TestNode node(String id) throws IOException {
        TestNode node = new TestNode(redis.uri(), id);
        toClose.add(node);
        return node;
    }

    private LineClient client(TestNode node) throws IOException {
        LineClient client = new LineClient(node.address);
        toClose.add(client);
        return client;
    }

    @Test
    void aBroadcastFromEitherNodeReachesTheClientsOfBoth() throws Exception {
        TestNode one = node("one");
        TestNode two = node("two");
        LineClient onOne = client(one);
        LineClient onTwo = client(two);
        one.awaitConnections(1);
        two.awaitConnections(1);

        assertEquals(1, one.manager.broadcast("from one").get(), "the future counts this node's connections");
        assertEquals("from one", onOne.awaitLine("from"));
        assertEquals("from one", onTwo.awaitLine("from"));
        two.manager.broadcast("from two");
        assertEquals("from two", onOne.awaitLine("from"));
        assertEquals("from two", onTwo.awaitLine("from"));
    }

    @Test
    void presenceOfAKeyWithConnectionsOnBothNodesConvergesOnBoth() throws Exception {
        TestNode one = node("one");
        TestNode two = node("two");
        LineClient annOnOne = client(one);
        LineClient annOnTwo = client(two);
        annOnOne.say("key ann");
        annOnOne.awaitLine("joined");
        two.await("ann", k -> k.nodes().equals(Set.of("one")), Duration.ofSeconds(5));

        long start = System.nanoTime();
        annOnTwo.say("key ann");
        annOnTwo.awaitLine("joined");
        KeyPresence both = one.await("ann", k -> k.connections() == 2, Duration.ofSeconds(5));
        two.await("ann", k -> k.connections() == 2, Duration.ofSeconds(5));
        double millis = (System.nanoTime() - start) / 1e6;
        System.out.printf(Locale.ROOT, "presence of ann (a connection on each node) converged on both nodes %.1f ms"
                + " after the second join was sent%n", millis);
        assertEquals(Set.of("one", "two"), both.nodes());

        annOnTwo.say("bye"); // the server closes (cleanly) and waits for our FIN, as nc would send it
        annOnTwo.socket.shutdownOutput();
        one.await("ann", k -> k.connections() == 1 && k.nodes().equals(Set.of("one")), Duration.ofSeconds(5));
        PresenceEvent first = two.events.take();
        assertEquals(PresenceEvent.Type.JOINED, first.type());
        assertEquals(Set.of("one"), first.after().nodes(), "node two first saw ann on node one");
    }

    @Test
    void aClosedNodeIsGoneAtOnceForTheOthers() throws Exception {
        TestNode one = node("one");
        TestNode two = node("two");
        client(one).say("key ann");
        two.await("ann", KeyPresence::isPresent, Duration.ofSeconds(5));
        long start = System.nanoTime();
        one.close();
        two.await("ann", k -> !k.isPresent(), Duration.ofSeconds(5));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < TestNode.TTL.toMillis(), "a node that leaves says so: " + millis + " ms, not its TTL");
        assertEquals(":0", redis.command("EXISTS", "vigil:entries:one"), "its entries are deleted");
    }

    @Test
    void badSettingsAreReportedTogether() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                RedisBackplane.builder(redis.uri()).nodeId("a b").nodeTtl(Duration.ofMillis(10))
                        .refreshInterval(Duration.ofSeconds(1)).build());
        assertEquals("RedisBackplane: nodeId: a b (expected: 1 to 64 letters, digits, . _ -); nodeTtl: PT0.01S "
                + "(expected: 100 ms or more); refreshInterval: PT1S (expected: positive, at most half of nodeTtl "
                + "PT0.01S)", e.getMessage());
    }
}
