package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.HeartbeatTimeoutException;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * This JVM's own stalls, on the fake clock: the silence they cover is forgiven, exactly once and no more, so a dead
 * peer is declared dead within timeout + the measured stall however often the timer wakes late.
 */
class EmbeddedPauseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final RecordingListener<String> events = new RecordingListener<>();
    private final EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
            .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), TIMEOUT).withJitter(0)).build();

    private long openAt() throws InterruptedException {
        c.writeHello();
        events.next(RecordingListener.Open.class);
        return c.nanoTime();
    }

    @Test
    void silenceDuringOurOwnStallIsNotHeldAgainstThePeer() throws Exception {
        openAt();
        c.advanceTimeBy(Duration.ofMillis(500));
        c.stall(Duration.ofMillis(2600)); // 3.1 s of silence, 2.6 s of it our own
        assertEquals(ConnectionState.ACTIVE, c.state(), "only 0.5 s of the silence was the peer's");
        assertEquals(Frame.Type.PING, c.readFrame().type(), "the PING still goes out on the real silence");
        c.advanceTimeBy(Duration.ofMillis(1499));
        assertEquals(ConnectionState.ACTIVE, c.state(), "suspect at 2 s of the peer's silence, not before");
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(ConnectionState.SUSPECT, events.next(RecordingListener.StateChange.class).to());
        c.advanceTimeBy(Duration.ofMillis(999));
        assertEquals(ConnectionState.SUSPECT, c.state());
        c.advanceTimeBy(Duration.ofMillis(1));
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, reason.kind());
        assertTrue(reason.message().contains("2.6s of it in this JVM's own measured stalls"), reason.message());
        HeartbeatTimeoutException cause = (HeartbeatTimeoutException) reason.cause();
        assertEquals(Duration.ofMillis(2600), cause.localStall());
        assertEquals(Duration.ofMillis(5600), cause.silence());
    }

    @Test
    void aDeadPeerIsDeclaredDeadWithinTheTimeoutPlusTheStallsWhileTheTimerIsLateAgainAndAgain() throws Exception {
        openAt();
        long stalled = 0;
        // 150 ms of stall in every 500 ms, as a JVM stopped by SIGSTOP for 150 ms every 500 ms would see.
        for (int cycle = 0; cycle < 40 && c.state().isOpen(); cycle++) {
            c.advanceTimeBy(Duration.ofMillis(350));
            if (c.state().isOpen()) {
                c.stall(Duration.ofMillis(150));
                stalled += 150;
            }
        }
        CloseReason reason = events.await(RecordingListener.Close.class, Duration.ofSeconds(1)).reason();
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, reason.kind());
        HeartbeatTimeoutException verdict = (HeartbeatTimeoutException) reason.cause();
        assertTrue(verdict.localStall().toMillis() <= stalled, verdict.localStall() + " forgiven, " + stalled
                + " ms stalled in all");
        assertEquals(TIMEOUT, verdict.silence().minus(verdict.localStall()),
                "dead exactly when the peer's own share of the silence reached the timeout: " + reason);
        assertTrue(verdict.silence().toMillis() < TIMEOUT.toMillis() * 2, "the stalls did not restart the timeout: "
                + reason);
    }

    @Test
    void aStallBeforeTheSilenceBeganForgivesNothing() throws Exception {
        c.stall(Duration.ofSeconds(5)); // before the connection even opened
        openAt();
        c.advanceTimeBy(TIMEOUT.minusMillis(1));
        events.next(RecordingListener.StateChange.class);
        assertEquals(ConnectionState.SUSPECT, c.state());
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, events.next(RecordingListener.Close.class).reason().kind());
    }
}
