package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientSessionTest {
    private static final UUID ID = new UUID(0x1234_0000_0000_4000L, 0x8000_0000_0000_0001L);
    private static final long EPOCH = 77;
    private static final SessionPolicy POLICY = SessionPolicy.builder().replayMessages(5).ackEvery(2)
            .linger(Duration.ofSeconds(10)).build();

    private long now = 9_000_000_000L;
    private final ClientSession<String> client = new ClientSession<>(POLICY);

    private static List<String> messages(List<ReplayBuffer.Entry<String>> entries) {
        return entries.stream().map(ReplayBuffer.Entry::message).toList();
    }

    private static SessionWire.Answer started() {
        return new SessionWire.Answer(SessionWire.Outcome.STARTED, null, false, ID, EPOCH, 0, 0);
    }

    private static SessionWire.Answer resumed(long delivered, long sent) {
        return new SessionWire.Answer(SessionWire.Outcome.RESUMED, null, true, ID, EPOCH, delivered, sent);
    }

    /** A named session that sent {@code sent} messages m1.., of which the server acknowledged {@code acked}. */
    private void established(int sent, int acked, int delivered) throws Exception {
        client.request();
        ClientOutcome<String> o = client.onAnswer(started());
        for (int i = 1; i <= sent; i++) {
            client.current().out().append("m" + i, new byte[1], now);
        }
        o.link().acks().onAck(acked);
        for (int i = 0; i < delivered; i++) {
            o.link().data().onData(now);
        }
    }

    @Test
    void aNamedSessionDisconnectedPastTheReplayAgeHandsBackAtOnceAndItsResumeSaysOverflowed() throws Exception {
        established(2, 0, 1);
        long age = POLICY.replayAge().toNanos();
        assertNull(client.ageOut(now + age), "not longer than the bound");
        assertEquals(1, client.untilTooOld(now + age));

        ClientSession.AgedOut<String> aged = client.ageOut(now + age + 1);

        assertNotNull(aged);
        assertEquals(List.of("m1", "m2"), messages(aged.entries()));
        assertEquals(ResumeFailure.REPLAY_OVERFLOW, ((dev.vigil.SessionLostException) aged.error()).reason());
        assertNull(client.ageOut(now + age + 2), "handed back once");
        SessionWire.Request r = client.request();
        assertTrue(r.overflowed());
        assertEquals(1, r.delivered(), "the server's frames delivered still count");
        ClientOutcome.Refused<String> refused = (ClientOutcome.Refused<String>) client.onAnswer(new SessionWire.Answer(
                SessionWire.Outcome.REFUSED, ResumeFailure.REPLAY_OVERFLOW, true, UUID.randomUUID(), EPOCH, 1, 1));
        assertEquals(List.of(), refused.handedBack(), "nothing is handed back twice");
    }

    @Test
    void anOverflowBeforeTheFirstConnectionDoesNotOutliveTheSessionsStart() throws Exception {
        for (int i = 1; i <= 5; i++) {
            assertNotNull(client.current().out().appendOrOverflow("m" + i, new byte[1], now));
        }
        assertNull(client.current().out().appendOrOverflow("m6", new byte[1], now), "replayMessages 5");
        assertEquals(SessionWire.Request.fresh(), client.request());
        ClientOutcome.Started<String> s = (ClientOutcome.Started<String>) client.onAnswer(started());

        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"),
                messages(client.current().out().next(s.link().acks().last(), 10)), "what fitted goes out");
        s.link().acks().onAck(5);
        assertEquals(ReplayBuffer.Room.OK, client.current().out().room(1), "the new session takes sends again");
    }

    @Test
    void anUnnamedSessionPastTheReplayAgeIsReplacedByAFreshOne() throws Exception {
        assertNotNull(client.current().out().appendOrOverflow("early", new byte[1], now));
        ClientSession.AgedOut<String> aged = client.ageOut(now + POLICY.replayAge().toNanos() + 1);
        assertNotNull(aged);
        assertEquals(List.of("early"), messages(aged.entries()));
        assertNotNull(client.hold("later", new byte[1], () -> now), "a fresh session takes later sends");
        assertEquals(SessionWire.Request.fresh(), client.request());
    }

    @Test
    void aHoldThatRacesAGracefulEndLandsInTheNextSession() throws Exception {
        established(2, 0, 0);
        Session<String> first = client.current();
        List<ReplayBuffer.Entry<String>> back = new ArrayList<>();
        // The reader ends the session (a CLOSE frame) just after the sender looked at the current session.
        LongSupplier endingClock = () -> {
            if (back.isEmpty()) {
                back.addAll(client.end());
            }
            return now;
        };

        ReplayBuffer.Entry<String> e = client.hold("late", new byte[1], endingClock);

        assertEquals(List.of("m1", "m2"), messages(back), "the ended session's messages are handed back");
        assertNotSame(first, client.current());
        assertEquals(1, e.position());
        assertEquals(List.of("late"), messages(client.current().out().next(0, 10)));
        assertFalse(e.delivered().isDone());
    }

    @Test
    void aHoldThatRacesARefusedResumeLandsInTheNewSession() throws Exception {
        established(2, 0, 0);
        client.request();
        List<ReplayBuffer.Entry<String>> back = new ArrayList<>();
        LongSupplier refusingClock = () -> {
            if (back.isEmpty()) {
                try {
                    back.addAll(((ClientOutcome.Refused<String>) client.onAnswer(new SessionWire.Answer(
                            SessionWire.Outcome.REFUSED, ResumeFailure.UNKNOWN_SESSION, false, UUID.randomUUID(),
                            EPOCH + 1, 0, 0))).handedBack());
                } catch (SessionProtocolException x) {
                    throw new AssertionError(x);
                }
            }
            return now;
        };

        ReplayBuffer.Entry<String> e = client.hold("late", new byte[1], refusingClock);

        assertEquals(List.of("m1", "m2"), messages(back));
        assertEquals(1, e.position());
        assertEquals(List.of("late"), messages(client.current().out().next(0, 10)));
    }

    @Test
    void theFirstConnectionAsksForANewSessionThatHoldsEarlierSends() throws Exception {
        assertNotNull(client.current().out().appendOrOverflow("early", new byte[1], now));
        assertEquals(SessionWire.Request.fresh(), client.request());
        ClientOutcome.Started<String> s = (ClientOutcome.Started<String>) client.onAnswer(started());
        assertEquals(ID, client.current().id());
        assertEquals(List.of("early"), messages(client.current().out().next(s.link().acks().last(), 10)));
    }

    @Test
    void aResumeRequestCarriesTheSessionAndBothCounts() throws Exception {
        established(4, 1, 3);
        assertEquals(new SessionWire.Request(1, true, false, ID, EPOCH, 3, 4), client.request());
    }

    @Test
    void aResumeReleasesWhatTheServerDeliveredAndReplaysTheRest() throws Exception {
        established(4, 1, 3);
        client.request();
        ClientOutcome.Resumed<String> r = (ClientOutcome.Resumed<String>) client.onAnswer(resumed(2, 7));
        assertEquals(List.of("m2"), messages(r.released()));
        assertEquals(2, r.replayedToPeer());
        assertEquals(4, r.replayedFromPeer(), "the server sent 7, the client had delivered 3");
        assertEquals(List.of("m3", "m4"), messages(client.current().out().next(r.link().acks().last(), 10)));
        assertEquals(4, r.link().data().next(), "the server's replay starts at its frame 4");
    }

    @Test
    void overflowWhileDisconnectedHandsBackEveryUndeliveredMessage() throws Exception {
        SessionTable<String, String> server = new SessionTable<>(POLICY, new Random(8));
        SessionWire.Request first = client.request();
        Admission.Started<String, String> s = (Admission.Started<String, String>) server.admit(first, "c1", now);
        ClientOutcome<String> o = client.onAnswer(s.answer());
        for (int i = 1; i <= 3; i++) {
            client.current().out().append("m" + i, new byte[1], now);
        }
        s.link().data().onData(now); // the server delivered m1; its ACK was lost with the connection
        server.detach(s.link(), true, now);

        int failed = 0;
        for (int i = 4; i <= 8; i++) {
            if (client.current().out().appendOrOverflow("m" + i, new byte[1], now) == null) {
                failed++;
            }
        }
        assertEquals(3, failed, "m6 did not fit the 5-message bound; the session is broken, m7 and m8 fail too");
        SessionWire.Request again = client.request();
        assertTrue(again.overflowed());

        Admission<String, String> a = server.admit(again, "c2", now);
        ClientOutcome.Refused<String> r = (ClientOutcome.Refused<String>) client.onAnswer(a.answer());
        assertEquals(ResumeFailure.REPLAY_OVERFLOW, r.reason());
        assertEquals(List.of("m1"), messages(r.released()), "the server's count confirms m1");
        assertEquals(List.of("m2", "m3", "m4", "m5"), messages(r.handedBack()), "every undelivered one, in order");
        for (ReplayBuffer.Entry<String> e : r.handedBack()) {
            assertFalse(e.delivered().isDone(), "the caller fails it with SessionLostException");
        }
        assertEquals(r.link().session(), client.current(), "a new session carries on");
        assertNotNull(client.current().id());
        assertEquals(0, client.current().out().sent());
        assertTrue(r.detail().contains("4 messages handed back, 1 confirmed by the server's count"), r.detail());
        assertTrue(o.link().data().onData(now) == ReceiveCounter.Verdict.ENDED, "the old session takes nothing");
    }

    @Test
    void aServerRestartRefusesTheResumeAndEverythingUnconfirmedComesBack() throws Exception {
        SessionTable<String, String> before = new SessionTable<>(POLICY, new Random(1));
        ClientOutcome<String> o = client.onAnswer(firstAnswer(before));
        client.current().out().append("m1", new byte[1], now);
        client.current().out().append("m2", new byte[1], now);
        o.link().acks().onAck(1);

        SessionTable<String, String> after = new SessionTable<>(POLICY, new Random(2));
        Admission<String, String> a = after.admit(client.request(), "c2", now);
        ClientOutcome.Refused<String> r = (ClientOutcome.Refused<String>) client.onAnswer(a.answer());
        assertEquals(ResumeFailure.EPOCH_CHANGED, r.reason());
        assertEquals(List.of("m2"), messages(r.handedBack()), "m1 was confirmed by an ACK; m2 may or may not be");
        assertTrue(r.released().isEmpty());
        assertTrue(r.detail().contains("(the server's counts are unknown)"), r.detail());
    }

    private SessionWire.Answer firstAnswer(SessionTable<String, String> server) {
        SessionWire.Answer a = server.admit(client.request(), "c1", now).answer();
        assertNotNull(a);
        return a;
    }

    private String error(SessionWire.Answer answer) {
        return assertThrows(SessionProtocolException.class, () -> client.onAnswer(answer)).getMessage();
    }

    @Test
    void answersThatDoNotFitTheRequestAreProtocolErrors() throws Exception {
        assertTrue(error(started()).startsWith("SESSION frame STARTED answers no request"));
        client.request();
        assertEquals("SESSION frame RESUMED answers a request for a new session", error(resumed(0, 0)));

        established(3, 1, 2);
        client.request();
        assertTrue(error(started()).startsWith("SESSION frame STARTED answers a request to resume"));
        client.request();
        assertEquals("resume count 4 covers frames never sent: 3 sent in this session", error(resumed(4, 2)));
        client.request();
        assertEquals("resume count 0 goes back below the 1 frames the peer had acknowledged", error(resumed(0, 2)));
        client.request();
        assertEquals("SESSION frame says the server sent 1 frames, but the client delivered 2", error(resumed(1, 1)));
        client.request();
        assertTrue(error(new SessionWire.Answer(SessionWire.Outcome.RESUMED, null, true, new UUID(5, 5), EPOCH, 1,
                2)).contains("but the client presented " + ID));
        client.request();
        assertEquals("SESSION frame REFUSED says the server delivered 9 of the client's frames (expected: 1 to 3)",
                error(new SessionWire.Answer(SessionWire.Outcome.REFUSED, ResumeFailure.EXPIRED, true, new UUID(6, 6),
                        EPOCH, 9, 2)));
        client.request();
        ClientOutcome<String> ok = client.onAnswer(resumed(1, 2));
        assertNull(client.current().out().overflow());
        assertTrue(error(resumed(1, 2)).contains("answers no request"), "a second answer");
        assertEquals(ok.link().session(), client.current());
    }

    @Test
    void aGracefulCloseEndsTheSessionAndTheNextConnectionAsksForANewOne() throws Exception {
        established(3, 1, 0);
        assertEquals(List.of("m2", "m3"), messages(client.end()));
        assertNull(client.current().id());
        assertEquals(SessionWire.Request.fresh(), client.request());
    }

    @Test
    void aResumeOfAnOverflowedSessionIsAProtocolError() throws Exception {
        established(5, 0, 0);
        assertNull(client.current().out().appendOrOverflow("m6", new byte[1], now));
        client.request();
        assertTrue(error(resumed(0, 0)).endsWith("although the client's request said its replay buffer overflowed"));
    }
}
