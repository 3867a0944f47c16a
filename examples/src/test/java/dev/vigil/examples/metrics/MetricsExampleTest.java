package dev.vigil.examples.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsExampleTest {

    @Test
    @Timeout(60)
    void theMicrometerBindingCountsWhatTheServerSaw() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SimpleMeterRegistry registry = MetricsExample.run(3, 10, Duration.ofMillis(40),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(3, registry.get("vigil.connections.opened").counter().count());
        double framesIn = registry.get("vigil.frames.received").counter().count();
        long pongs = registry.get("vigil.rtt").timer().count();
        // 30 messages, a PONG for each RTT sample, and each client connection's CLOSE frame (one closed, then the
        // client manager shut down with the other two).
        assertEquals(30 + pongs + 3, framesIn, "frames in: " + framesIn + " with " + pongs + " PONGs");
        assertTrue(registry.get("vigil.frames.sent").counter().count() >= 30);
        assertTrue(registry.get("vigil.bytes.received").counter().count() >= 30 * (5 + 7));
        assertTrue(registry.get("vigil.rtt").timer().count() >= 1, "heartbeats measured RTT in the pauses");
        assertEquals(1, registry.get("vigil.connections.closed").tag("kind", "CLOSED_BY_PEER").counter().count());
        assertEquals(2, registry.get("vigil.connections.closed").tag("kind", "SHUTDOWN").counter().count());
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output.matches("(?s).*vigil\\.rtt\\.percentile .*phi=0\\.5.*"), "the percentiles the example asked for: "
                + output);
        assertTrue(output.matches("(?s).*vigil\\.connections\\.active .*value=2\\.0.*"),
                "the gauge read two open connections while the example ran: " + output);
    }
}
