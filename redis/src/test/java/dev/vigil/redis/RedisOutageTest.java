package dev.vigil.redis;

import dev.vigil.cluster.Backplane;
import dev.vigil.cluster.KeyPresence;
import dev.vigil.cluster.PresenceEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis goes away under a running cluster (its pub/sub clients killed; the whole server restarted, empty): the
 * backplane reconnects and subscribes again, presence is rebuilt, and each test says what was lost in the gap.
 */
@Timeout(90)
class RedisOutageTest {
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

    private <T extends AutoCloseable> T later(T c) {
        toClose.add(c);
        return c;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 20 s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /**
     * Publishes numbered probes from {@code from} until {@code to} hears one; returns how many were lost first. Then
     * checks that 20 more arrive, each once, in order.
     */
    private static int probe(Backplane from, Backplane to) throws InterruptedException {
        BlockingQueue<Integer> heard = new LinkedBlockingQueue<>();
        Backplane.Subscription subscription = to.subscribe("probe", (t, node, payload) ->
                heard.add(Integer.parseInt(new String(payload, StandardCharsets.US_ASCII))));
        try {
            int sent = 0;
            Integer first = null;
            while (first == null) {
                from.publish("probe", Integer.toString(sent++).getBytes(StandardCharsets.US_ASCII));
                first = heard.poll(50, TimeUnit.MILLISECONDS);
                assertTrue(sent < 1000, "no probe got through");
            }
            heard.clear();
            for (int i = 0; i < 20; i++) {
                from.publish("probe", Integer.toString(sent + i).getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(sent + i, heard.poll(5, TimeUnit.SECONDS), "once each, in order");
            }
            assertNull(heard.poll(50, TimeUnit.MILLISECONDS), "no duplicates");
            return first;
        } finally {
            subscription.close();
        }
    }

    @Test
    void afterClientKillTypePubsubBothNodesSubscribeAgain() throws Exception {
        TestNode one = later(new TestNode(redis.uri(), "one"));
        TestNode two = later(new TestNode(redis.uri(), "two"));
        probe(one.backplane, two.backplane);

        assertEquals(":2", redis.command("CLIENT", "KILL", "TYPE", "pubsub"), "both nodes' subscriber connections");
        await("both nodes reconnected", () -> one.backplane.reconnects() >= 1 && two.backplane.reconnects() >= 1);
        int lost = probe(one.backplane, two.backplane);
        System.out.printf("CLIENT KILL TYPE pubsub: both nodes reconnected and subscribed again; %d probe(s) "
                + "published before node two's subscription was back were lost (pub/sub is at most once)%n", lost);

        LineClient ann = later(new LineClient(one.address));
        ann.say("key ann");
        two.await("ann", KeyPresence::isPresent, Duration.ofSeconds(10));
    }

    @Test
    void afterARedisRestartPresenceIsRebuiltAndBroadcastsOfTheGapAreLost() throws Exception {
        TestNode one = later(new TestNode(redis.uri(), "one"));
        TestNode two = later(new TestNode(redis.uri(), "two"));
        LineClient ann = later(new LineClient(one.address));
        LineClient onTwo = later(new LineClient(two.address));
        ann.say("key ann");
        ann.awaitLine("joined");
        two.await("ann", KeyPresence::isPresent, Duration.ofSeconds(10));
        two.awaitConnections(1);

        redis.stop();
        await("both nodes see Redis gone", () -> !one.backplane.isConnected() && !two.backplane.isConnected());
        long droppedBefore = one.backplane.dropped();
        one.manager.broadcast("said during the outage");
        assertEquals("said during the outage", ann.awaitLine("said"), "this node's own clients still get it");
        await("the broadcast counted as dropped for the other nodes",
                () -> one.backplane.dropped() > droppedBefore);
        LineClient carl = later(new LineClient(one.address));
        carl.say("key carl"); // joins while Redis is down
        carl.awaitLine("joined");

        long restarted = System.nanoTime();
        redis.startAgain(); // empty: every key, every hash, the node set are gone
        two.await("carl", KeyPresence::isPresent, Duration.ofSeconds(20));
        two.await("ann", KeyPresence::isPresent, Duration.ofSeconds(20));
        long rebuilt = (System.nanoTime() - restarted) / 1_000_000;
        int lost = probe(one.backplane, two.backplane);
        one.manager.broadcast("said after the outage");
        assertEquals("said after the outage", onTwo.awaitLine("said"),
                "node two's client never gets what was said during the outage: the next line is the later one");
        List<PresenceEvent> flaps = two.events.stream()
                .filter(e -> e.key().equals("ann") && e.type() == PresenceEvent.Type.LEFT).toList();
        assertEquals(List.of(), flaps, "ann never left on node two: the grace after a reconnect rode it out");
        System.out.printf("Redis restarted empty: presence rebuilt on node two %d ms after the restart (ann, and "
                + "carl who joined during the outage); lost: the broadcast sent during the outage (%d writes "
                + "dropped on node one: that broadcast, and carl's presence entry, written again after the restart) and %d probe(s) before node two's subscription was back%n", rebuilt,
                one.backplane.dropped() - droppedBefore, lost);
        assertEquals(":1", redis.command("EXISTS", "vigil:entries:one"), "node one wrote its entries again");
    }
}
