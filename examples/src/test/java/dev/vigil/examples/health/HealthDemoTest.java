package dev.vigil.examples.health;

import dev.vigil.CloseReason;
import dev.vigil.examples.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthDemoTest {

    @Test
    @Timeout(40)
    void theSlowBackendIsFlaggedByRttBeforeItTimesOutAndTheDeadOneIsRemoved() throws Exception {
        HealthOptions o = HealthOptions.from(Options.parse(List.of("--seconds", "6", "--slow-at", "1s",
                "--kill-at", "2s", "--ramp", "150ms"), HealthOptions.SPECS));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HealthReport r;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            r = HealthDemo.run(o, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("checker backend-3 connection closed: HEARTBEAT_TIMEOUT"), printed);
        assertTrue(printed.contains("checker backend-1 connection closed: SHUTDOWN"), printed);

        String report = r.render();
        assertNotNull(r.slowFlaggedAt(), report);
        assertEquals("SLOW", r.slowFlaggedAs(), "backend-2 should leave the pool on RTT, not on silence\n" + report);
        assertTrue(r.slowFlaggedRtt().compareTo(o.slowRtt()) > 0, report);
        assertTrue(r.slowDownAt() == null || r.slowFlaggedAt().compareTo(r.slowDownAt()) < 0,
                "flagged before it timed out\n" + report);
        assertTrue(r.slowRttBySecond().size() >= 2
                && r.slowRttBySecond().getLast().compareTo(r.slowRttBySecond().getFirst()) > 0,
                "its RTT rose\n" + report);

        assertNotNull(r.killedOutAt(), report);
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, r.killedDownKind(), report);
        assertTrue(r.killedDownAt().minus(o.killAt()).compareTo(o.timeout().plusMillis(500)) <= 0, report);

        assertEquals(0, r.sentAfterRemoval(), "requests go only to healthy backends\n" + report);
        assertTrue(r.served().getOrDefault("backend-1", 0) > 0 && r.served().getOrDefault("backend-4", 0) > 0,
                report);
    }
}
