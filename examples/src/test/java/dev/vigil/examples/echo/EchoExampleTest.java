package dev.vigil.examples.echo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EchoExampleTest {

    @Test
    @Timeout(20)
    void everyMessageComesBackAndHeartbeatsMeasureRtt() throws Exception {
        EchoExample.Result r = EchoExample.inProcess(3, "hi", Duration.ofMillis(300), System.out);

        assertEquals(List.of("hi 1", "hi 2", "hi 3"), r.replies());
        assertEquals(3, r.roundTrips().size());
        assertTrue(r.heartbeat().samples() > 0, "the pauses are longer than the PING interval: " + r.heartbeat());
        assertTrue(r.heartbeat().smoothed().isPositive());
    }
}
