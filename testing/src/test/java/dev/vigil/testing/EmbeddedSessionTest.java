package dev.vigil.testing;

import dev.vigil.Connection;
import dev.vigil.ConnectionState;
import dev.vigil.Delivery;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionListener;
import dev.vigil.SessionPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions on an embedded connection: the test plays the peer's side of the session, on the fake clock. */
class EmbeddedSessionTest {
    private static final UUID ID = new UUID(0x1234_0000_0000_4000L, 0x8000_0000_0000_0001L);
    /** Beats far apart, so that an ACK that waited for the timer's next heartbeat wake-up would show. */
    private static final HeartbeatPolicy SLOW_BEATS =
            HeartbeatPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(15)).withJitter(0);
    private static final SessionPolicy POLICY = SessionPolicy.builder().ackEvery(4)
            .ackInterval(Duration.ofMillis(200)).build();

    /** Records session events next to the connection's own. */
    private static final class SessionEvents implements SessionListener<String> {
        final RecordingListener<String> events = new RecordingListener<>();
        final List<String> session = new ArrayList<>();

        @Override
        public void onOpen(Connection<String> connection) {
            events.onOpen(connection);
        }

        @Override
        public void onMessage(Connection<String> connection, String message) {
            events.onMessage(connection, message);
        }

        @Override
        public void onSessionStarted(Connection<String> connection, UUID session) {
            this.session.add("started " + session);
        }

        @Override
        public void onResumed(Connection<String> connection, UUID session, long replayedToPeer,
                              long replayedFromPeer) {
            this.session.add("resumed " + session + " " + replayedToPeer + "/" + replayedFromPeer);
        }

        @Override
        public void onResumeFailed(Connection<String> connection, UUID session, ResumeFailure reason,
                                   List<String> undelivered) {
            this.session.add("failed " + session + " " + reason + " " + undelivered);
        }
    }

    private static EmbeddedConnection<String> server(SessionEvents listener) {
        return EmbeddedConnection.builder(MessageCodec.utf8(), listener).heartbeat(SLOW_BEATS).sessions(POLICY)
                .build();
    }

    @Test
    void aServerAnswersTheSessionRequestAndAcksADeliveryAtTheAckInterval() throws Exception {
        SessionEvents listener = new SessionEvents();
        EmbeddedConnection<String> c = server(listener);
        c.writeInbound(SessionFrames.helloAskingForSession(Hello.basic()));

        SessionFrames.Answer answer = SessionFrames.answer(c.readFrame());
        assertEquals(SessionFrames.Outcome.STARTED, answer.outcome());
        assertEquals(List.of("started " + answer.id()), listener.session);
        assertEquals(ConnectionState.ACTIVE, c.state());

        c.advanceTimeBy(Duration.ofMillis(10));
        c.writeFrame(Frame.data("order 1"));
        listener.events.next(RecordingListener.Open.class);
        listener.events.nextMessage("order 1");
        c.advanceTimeBy(Duration.ofMillis(199));
        assertNull(c.readFrame(), "no ACK before the interval");
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(1, c.readFrame().ackCount(), "the ACK leaves 200 ms after the delivery, not at the next beat");
    }

    @Test
    void aServerAcksEveryKFramesAndConfirmsDeliveryOnThePeersAck() throws Exception {
        SessionEvents listener = new SessionEvents();
        EmbeddedConnection<String> c = server(listener);
        c.writeInbound(SessionFrames.helloAskingForSession(Hello.basic()));
        SessionFrames.answer(c.readFrame());

        c.writeFrame(Frame.data("1"), Frame.data("2"), Frame.data("3"), Frame.data("4"));
        assertEquals(4, c.readFrame().ackCount(), "ackEvery 4");

        Delivery d = c.connection().sendConfirmed("fill 1");
        Frame data = c.readFrame();
        assertEquals("fill 1", data.text());
        assertTrue(d.written().isDone());
        assertFalse(d.delivered().isDone(), "written, not yet confirmed");
        c.writeFrame(Frame.ack(1));
        assertTrue(d.delivered().isDone(), "the peer's ACK confirms it");
    }

    @Test
    void aServerRefusesAResumeItCannotKnowAndStartsANewSession() {
        SessionEvents listener = new SessionEvents();
        List<String> metrics = new ArrayList<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), listener).heartbeat(SLOW_BEATS)
                .sessions(POLICY).metrics(new MetricsObserver() {
                    @Override
                    public void sessionResumeFailed(Connection<?> connection, ResumeFailure reason, int handedBack) {
                        metrics.add("failed " + reason + " " + handedBack);
                    }

                    @Override
                    public void deliveryConfirmed(Connection<?> connection, int messages) {
                        metrics.add("delivered " + messages);
                    }
                }).build();
        c.writeInbound(SessionFrames.helloResuming(Hello.basic(), ID, 7, 0, 3));

        SessionFrames.Answer answer = SessionFrames.answer(c.readFrame());
        assertEquals(SessionFrames.Outcome.REFUSED, answer.outcome());
        assertEquals(ResumeFailure.EPOCH_CHANGED, answer.reason(), "a session of another epoch");
        assertFalse(answer.countsKnown());
        assertEquals(List.of("failed EPOCH_CHANGED 0"), metrics);

        c.connection().sendConfirmed("a");
        c.connection().sendConfirmed("b");
        c.readFrames();
        c.writeFrame(Frame.ack(2));
        assertEquals(List.of("failed EPOCH_CHANGED 0", "delivered 2"), metrics);
    }

    @Test
    void aClientAsksForASessionOpensOnTheAnswerAndResendsNothingTwice() throws Exception {
        SessionEvents listener = new SessionEvents();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), listener).heartbeat(SLOW_BEATS)
                .sessions(POLICY).client(true).build();
        c.writeInbound(SessionFrames.helloOffering(Hello.basic(), Duration.ofSeconds(30)));
        assertEquals(ConnectionState.CONNECTING, c.state(), "it waits for the SESSION frame");

        c.writeFrame(SessionFrames.started(ID, 42));
        assertEquals(List.of("started " + ID), listener.session);
        c.connection().send("hello");
        assertEquals("hello", c.readFrame().text());
        c.writeFrame(Frame.data("welcome"));
        c.advanceTimeBy(Duration.ofMillis(200));
        assertEquals(1, c.readFrame().ackCount());
    }
}
