package dev.vigil;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SessionPolicyTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SessionPolicy p = SessionPolicy.defaults();
        assertEquals(10_000, p.replayMessages());
        assertEquals(16L << 20, p.replayBytes());
        assertEquals(Duration.ofMinutes(2), p.replayAge());
        assertEquals(Duration.ofSeconds(30), p.linger());
        assertEquals(32, p.ackEvery());
        assertEquals(Duration.ofMillis(200), p.ackInterval());
        assertEquals(10_000, p.maxSessions());
        assertEquals(p, SessionPolicy.builder().build());
    }

    @Test
    void theBuilderSetsEveryValue() {
        SessionPolicy p = SessionPolicy.builder().replayMessages(50).replayBytes(1000).replayAge(Duration.ofSeconds(9))
                .linger(Duration.ofSeconds(3)).ackEvery(5).ackInterval(Duration.ofMillis(20)).maxSessions(7).build();
        assertEquals(new SessionPolicy(50, 1000, Duration.ofSeconds(9), Duration.ofSeconds(3), 5,
                Duration.ofMillis(20), 7), p);
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionPolicy.builder()
                .replayMessages(0).replayBytes(0).replayAge(Duration.ZERO).linger(Duration.ofSeconds(-1)).ackEvery(0)
                .ackInterval(Duration.ofMillis(-5)).maxSessions(0).build());
        assertEquals("SessionPolicy: replayMessages: 0 (expected: at least 1); replayBytes: 0 (expected: at least 1); "
                + "replayAge: PT0S (expected: longer than zero); linger: PT-1S (expected: longer than zero); "
                + "ackEvery: 0 (expected: at least 1); ackInterval: PT-0.005S (expected: longer than zero); "
                + "maxSessions: 0 (expected: at least 1)", e.getMessage());
    }

    @Test
    void boundsThatContradictEachOtherAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionPolicy.builder()
                .replayMessages(10).ackEvery(11).replayAge(Duration.ofSeconds(1)).ackInterval(Duration.ofSeconds(1))
                .build());
        assertEquals("SessionPolicy: ackEvery: 11 (expected: at most replayMessages 10, or a full buffer would wait "
                + "for an ACK that never comes); ackInterval: PT1S (expected: shorter than replayAge PT1S)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SessionPolicy.builder().linger(null).build());
    }

    @Test
    void resumeFailureCodesAreStable() {
        assertEquals(1, ResumeFailure.UNKNOWN_SESSION.code());
        assertEquals(2, ResumeFailure.EPOCH_CHANGED.code());
        assertEquals(3, ResumeFailure.REPLAY_OVERFLOW.code());
        assertEquals(4, ResumeFailure.EXPIRED.code());
        for (ResumeFailure r : ResumeFailure.values()) {
            assertEquals(r, ResumeFailure.ofCode(r.code()));
        }
        assertEquals("no resume failure has code 0",
                assertThrows(IllegalArgumentException.class, () -> ResumeFailure.ofCode(0)).getMessage());
    }
}
