package dev.vigil.redis;

import dev.vigil.cluster.KeyPresence;
import dev.vigil.cluster.PresenceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node in a JVM of its own, killed with SIGKILL: the survivor reports its keys left within the TTL. */
@Timeout(90)
class NodeDeathTest {
    /** What the bound allows beyond TTL + refresh interval + linger: a loaded 2-core machine's scheduling. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    @Test
    void aNodeKilledWithSigkillIsReportedLeftByTheSurvivorWithinItsTtl() throws Exception {
        try (RedisProcess redis = RedisProcess.start(); TestNode survivor = new TestNode(redis.uri(), "survivor")) {
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            Process victim = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    TestNode.NodeMain.class.getName(), redis.uri(), "victim")
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(),
                        StandardCharsets.UTF_8));
                String ready;
                while ((ready = out.readLine()) != null && !ready.startsWith("READY ")) {
                    System.out.println("victim: " + ready);
                }
                assertNotNull(ready, "the victim node exited before it was ready");
                Thread.ofVirtual().name("victim-output").start(() -> out.lines().forEach(l -> { }));
                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        Integer.parseInt(ready.substring(6)));
                try (LineClient bob = new LineClient(address); LineClient cid = new LineClient(address)) {
                    bob.say("key bob");
                    cid.say("key cid");
                    for (String key : Set.of("bob", "cid")) {
                        survivor.await(key, k -> k.nodes().equals(Set.of("victim")), Duration.ofSeconds(10));
                    }
                    survivor.events.clear();

                    long killed = System.nanoTime();
                    victim.destroyForcibly(); // SIGKILL: no CLOSE, no goodbye to Redis
                    assertTrue(victim.waitFor(10, TimeUnit.SECONDS));
                    Duration bound = TestNode.TTL.plus(TestNode.REFRESH).plus(TestNode.LINGER).plus(MARGIN);
                    Set<String> left = new HashSet<>();
                    long lastLeft = killed;
                    while (left.size() < 2) {
                        long remaining = bound.toNanos() - (System.nanoTime() - killed);
                        PresenceEvent e = survivor.events.poll(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
                        assertNotNull(e, "keys left so far: " + left + " within " + bound);
                        if (e.type() == PresenceEvent.Type.LEFT) {
                            left.add(e.key());
                            lastLeft = System.nanoTime();
                        }
                    }
                    long millis = (lastLeft - killed) / 1_000_000;
                    System.out.printf("victim SIGKILLed: the survivor reported bob and cid left %d ms later (TTL %d"
                                    + " ms + refresh %d ms + linger %d ms, margin %d ms)%n", millis,
                            TestNode.TTL.toMillis(), TestNode.REFRESH.toMillis(), TestNode.LINGER.toMillis(),
                            MARGIN.toMillis());
                    long earliest = TestNode.TTL.minus(TestNode.REFRESH).plus(TestNode.LINGER).toMillis();
                    assertTrue(millis >= earliest, "left after " + millis + " ms: before the victim's key could "
                            + "have expired (" + earliest + " ms), so something other than the TTL decided");
                    assertEquals(KeyPresence.offline("bob"), survivor.presence.get("bob"));
                }
            } finally {
                victim.destroyForcibly();
            }
        }
    }
}
