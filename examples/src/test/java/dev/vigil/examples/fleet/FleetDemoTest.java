package dev.vigil.examples.fleet;

import dev.vigil.CloseReason;
import dev.vigil.examples.Options;
import dev.vigil.examples.fleet.FleetReport.Failure;
import dev.vigil.examples.fleet.FleetReport.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs a small, fast fleet headless and checks the report, not the printed text. */
class FleetDemoTest {

    /** Timer ticks, scheduling on a busy two-core CI machine: allowed on top of what the policy promises. */
    private static final Duration MARGIN = Duration.ofMillis(500);

    @Test
    @Timeout(40)
    void everyFailureIsNoticedTheWayAndWithinTheTimeThePolicyPromises() throws Exception {
        FleetOptions o = FleetOptions.from(Options.parse(List.of(
                "--sensors", "50", "--seconds", "7", "--reading-every", "250ms", "--interval", "250ms",
                "--timeout", "1s", "--stale-after", "2s", "--hang", "2", "--power", "3", "--clean", "2",
                "--come-back", "3", "--seed", "7"), FleetOptions.SPECS));

        FleetReport report = FleetDemo.run(o, System.out);

        assertEquals(7, report.failures().size());
        assertEquals(List.of(), report.falseAlarms(), "no healthy sensor may be declared offline or hung");
        for (Failure f : report.failures()) {
            String what = FleetReport.name(f.sensor()) + " " + f.mode().label() + ": " + f;
            assertNotNull(f.noticedAfter(), what + " was never noticed");
            switch (f.mode()) {
                case POWER_LOSS -> {
                    // The link went silent with no FIN: only the heartbeat can tell, and only by timing out.
                    assertNotNull(f.reason(), what);
                    assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, f.reason().kind(), what);
                    // Within the timeout plus what this JVM itself measurably stalled meanwhile, and no more.
                    assertTrue(f.noticedAfter().compareTo(o.heartbeatTimeout().plus(f.localStall()).plus(MARGIN))
                            <= 0, what);
                    assertTrue(f.localStall().compareTo(f.silence()) < 0, what);
                    assertTrue(f.silence().compareTo(o.heartbeatTimeout().minusMillis(50)) >= 0,
                            what + ": declared dead before the timeout's worth of silence");
                }
                case CLEAN_CLOSE -> {
                    assertNotNull(f.reason(), what);
                    assertEquals(CloseReason.Kind.CLOSED_BY_PEER, f.reason().kind(), what);
                    assertTrue(f.reason().remote(), what + ": the peer's CLOSE frame should say so");
                    assertTrue(f.noticedAfter().compareTo(MARGIN) <= 0, what);
                }
                case HANG -> {
                    // Heartbeats prove the link, not the application: Vigil keeps the connection open.
                    assertTrue(f.byStaleness(), what + ": a hung sensor is found by the monitor's own rule");
                    assertNull(f.reason(), what);
                    assertTrue(f.noticedAfter().compareTo(o.staleAfter().plus(MARGIN)) <= 0, what);
                }
            }
        }
        long cameBack = report.failures().stream().filter(Failure::comesBack).count();
        assertEquals(3, cameBack);
        report.failures().stream().filter(Failure::comesBack)
                .forEach(f -> assertNotNull(f.backAfter(), FleetReport.name(f.sensor()) + " never came back"));
        assertTrue(report.readings() > 0);
        assertTrue(report.render().contains(Mode.POWER_LOSS.label()));
    }

    @Test
    void optionsThatCannotShowTheDemoAreRefused() {
        List<Options.Spec> specs = FleetOptions.SPECS;
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FleetOptions.from(Options.parse(List.of("--sensors", "5", "--hang", "6"), specs)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FleetOptions.from(Options.parse(List.of("--policy", "psychic"), specs)));
        // a dead sensor could be called hung before its heartbeat times out
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FleetOptions.from(Options.parse(List.of("--stale-after", "2.5s"), specs)));
        assertEquals(500, FleetOptions.defaults().sensors());
    }
}
