package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heartbeat of one connection, on the fake clock: PING after silence, suspect, timeout, and what clears them. */
class EmbeddedHeartbeatTest {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final RecordingListener<String> events = new RecordingListener<>();
    private final EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
            .heartbeat(HeartbeatPolicy.fixed(INTERVAL, TIMEOUT).withJitter(0)).build();

    private void open() throws InterruptedException {
        c.writeHello();
        events.next(RecordingListener.Open.class);
        assertEquals(List.of(), c.readFrames());
    }

    @AfterEach
    void nothingUnexpected() {
        events.assertNoMore();
    }

    @Test
    void aPingGoesOutAfterAnIntervalOfSilenceAndNotBefore() throws Exception {
        open();
        c.advanceTimeBy(INTERVAL.minusMillis(1));
        assertNull(c.readFrame(), "no PING before the interval");
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(Frame.Type.PING, c.readFrame().type());
    }

    @Test
    void dataFromThePeerPostponesThePing() throws Exception {
        open();
        c.advanceTimeBy(Duration.ofMillis(600));
        c.writeFrame(Frame.data("still here"));
        events.nextMessage("still here");
        c.advanceTimeBy(Duration.ofMillis(999));
        assertNull(c.readFrame(), "silence counts from the last bytes, so no PING yet");
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(Frame.Type.PING, c.readFrame().type());
    }

    @Test
    void aSilentPeerBecomesSuspectThenTimesOutWithCode3() throws Exception {
        open();
        c.advanceTimeBy(Duration.ofMillis(1999));
        assertEquals(ConnectionState.ACTIVE, c.state());
        c.advanceTimeBy(Duration.ofMillis(1));
        RecordingListener.StateChange suspect = events.next(RecordingListener.StateChange.class);
        assertEquals(ConnectionState.ACTIVE, suspect.from());
        assertEquals(ConnectionState.SUSPECT, suspect.to());
        c.advanceTimeBy(Duration.ofMillis(999));
        assertEquals(ConnectionState.SUSPECT, c.state());
        c.advanceTimeBy(Duration.ofMillis(1));
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, reason.kind());
        assertTrue(reason.message().contains("PING #1 unanswered"), reason.message());
        List<Frame> frames = c.readFrames();
        assertEquals(Frame.Type.PING, frames.get(0).type());
        Frame close = frames.get(frames.size() - 1);
        assertEquals(3, close.closeCode(), "the peer is told why, with code 3: " + frames);
        assertTrue(c.isTransportClosed());
    }

    @Test
    void aSuspectPeerThatSpeaksIsActiveAgainAndTheListenerHearsBothChanges() throws Exception {
        open();
        c.advanceTimeBy(Duration.ofSeconds(2));
        assertEquals(ConnectionState.SUSPECT, events.next(RecordingListener.StateChange.class).to());
        c.writeFrame(Frame.pong(c.readFrame().nonce()));
        RecordingListener.StateChange back = events.next(RecordingListener.StateChange.class);
        assertEquals(ConnectionState.SUSPECT, back.from());
        assertEquals(ConnectionState.ACTIVE, back.to());
        assertEquals(ConnectionState.ACTIVE, c.state());
        c.advanceTimeBy(Duration.ofSeconds(2).minusMillis(1));
        assertEquals(ConnectionState.ACTIVE, c.state(), "silence counts afresh from the PONG");
    }

    @Test
    void anAnsweredPingIsAnRttSampleAndTheNextPingComesAnIntervalAfterTheAnswer() throws Exception {
        open();
        c.advanceTimeBy(INTERVAL);
        Frame ping = c.readFrame();
        c.advanceTimeBy(Duration.ofMillis(5));
        c.writeFrame(Frame.pong(ping.nonce()));
        assertEquals(Duration.ofMillis(5), c.connection().rtt().last());
        assertEquals(1, c.connection().rtt().samples());
        c.advanceTimeBy(INTERVAL.minusMillis(1));
        assertNull(c.readFrame());
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(Frame.Type.PING, c.readFrame().type());
        assertEquals(ConnectionState.ACTIVE, c.state(), "a healthy idle peer is never suspected");
    }

    @Test
    void aPongEchoingNoPingOfOursIsASignOfLifeButNoRttSample() throws Exception {
        open();
        c.advanceTimeBy(Duration.ofMillis(900));
        c.writeFrame(Frame.pong(42));
        assertEquals(0, c.connection().rtt().samples());
        c.advanceTimeBy(Duration.ofMillis(999));
        assertNull(c.readFrame(), "the stray PONG restarted the silence");
    }

    @Test
    void onlyOnePingGoesOutPerSilence() throws Exception {
        open();
        c.advanceTimeBy(TIMEOUT.minusMillis(1));
        events.next(RecordingListener.StateChange.class);
        List<Frame> frames = c.readFrames();
        assertEquals(1, frames.size(), "one PING per silence, however long: " + frames);
        assertEquals(Frame.Type.PING, frames.get(0).type());
    }

    @Test
    void thePeersPingsAreAnsweredAndAreSignsOfLife() throws Exception {
        open();
        c.advanceTimeBy(Duration.ofMillis(900));
        c.writeFrame(Frame.ping(7));
        Frame pong = c.readFrame();
        assertEquals(Frame.Type.PONG, pong.type());
        assertEquals(7, pong.nonce());
        c.advanceTimeBy(Duration.ofMillis(999));
        assertNull(c.readFrame(), "the peer's PING restarted the silence");
    }

    @Test
    void aPeerThatAcceptsPingsOnlyEveryTwoSecondsIsPingedEveryTwoSeconds() throws Exception {
        c.writeHello(Hello.withMinPingInterval(Duration.ofSeconds(2)));
        events.next(RecordingListener.Open.class);
        c.advanceTimeBy(Duration.ofMillis(1999));
        assertNull(c.readFrame(), "our 1 s interval was raised to the peer's minimum");
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(Frame.Type.PING, c.readFrame().type());
        c.close();
        events.next(RecordingListener.Close.class);
    }

    @Test
    void aPeerMinimumThatLeavesNoRoomToPingWithinOurTimeoutIsRefusedWithCode10() throws Exception {
        c.writeHello(Hello.withMinPingInterval(Duration.ofMillis(2500)));
        assertEquals(CloseReason.Kind.POLICY_VIOLATION, c.closeReason().kind());
        Frame close = c.readFrame();
        assertEquals(10, close.closeCode());
        assertTrue(close.closeText().contains("no room to PING"), close.closeText());
        assertTrue(c.isFinished());
    }

    @Test
    void withPolicyNoneNothingIsEverSentOrSuspected() throws Exception {
        RecordingListener<String> quiet = new RecordingListener<>();
        EmbeddedConnection<String> none = EmbeddedConnection.builder(MessageCodec.utf8(), quiet)
                .heartbeat(HeartbeatPolicy.none()).build();
        none.writeHello();
        quiet.next(RecordingListener.Open.class);
        none.advanceTimeBy(Duration.ofHours(1));
        assertEquals(List.of(), none.readFrames());
        assertEquals(ConnectionState.ACTIVE, none.state());
        quiet.assertNoMore();
    }
}
