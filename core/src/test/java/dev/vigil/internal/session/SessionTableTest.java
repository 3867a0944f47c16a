package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTableTest {
    private static final long MS = 1_000_000L;
    private static final SessionPolicy POLICY = SessionPolicy.builder().linger(Duration.ofSeconds(10))
            .replayAge(Duration.ofSeconds(60)).maxSessions(100).build();

    private long now = 3_000 * MS;
    private final SessionTable<String, String> table = new SessionTable<>(POLICY, new Random(1));

    private static <T> T as(Class<T> type, Admission<String, String> a) {
        if (!type.isInstance(a)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + a);
        }
        return type.cast(a);
    }

    @SuppressWarnings("unchecked")
    private static Admission.Started<String, String> started(Admission<String, String> a) {
        return as(Admission.Started.class, a);
    }

    @SuppressWarnings("unchecked")
    private static Admission.Resumed<String, String> resumed(Admission<String, String> a) {
        return as(Admission.Resumed.class, a);
    }

    @SuppressWarnings("unchecked")
    private static Admission.Refused<String, String> refused(Admission<String, String> a) {
        return as(Admission.Refused.class, a);
    }

    @SuppressWarnings("unchecked")
    private static Admission.Full<String, String> full(Admission<String, String> a) {
        return as(Admission.Full.class, a);
    }

    @SuppressWarnings("unchecked")
    private static Admission.Violation<String, String> violated(Admission<String, String> a) {
        return as(Admission.Violation.class, a);
    }

    private Link<String> start(String connection) {
        Admission<String, String> a = table.admit(SessionWire.Request.fresh(), connection, now);
        return started(a).link();
    }

    private static SessionWire.Request resume(Link<String> link, long delivered, long sent) {
        Session<String> s = link.session();
        return new SessionWire.Request(1, true, false, s.id(), s.epoch(), delivered, sent);
    }

    private static void send(Link<String> link, String... messages) {
        for (String m : messages) {
            link.session().out().append(m, new byte[1], 0);
        }
    }

    private static void receive(Link<String> link, int frames) {
        for (int i = 0; i < frames; i++) {
            assertEquals(ReceiveCounter.Verdict.DELIVER, link.data().onData(0));
        }
    }

    private static List<String> messages(List<ReplayBuffer.Entry<String>> entries) {
        return entries.stream().map(ReplayBuffer.Entry::message).toList();
    }

    @Test
    void newSessionsGetDistinctRandomVersion4IdsInOneNonzeroEpoch() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Admission<String, String> a = table.admit(SessionWire.Request.fresh(), "c" + i, now);
            SessionWire.Answer answer = a.answer();
            assertEquals(SessionWire.Outcome.STARTED, answer.outcome());
            assertEquals(4, answer.id().version());
            assertEquals(2, answer.id().variant());
            assertEquals(table.epoch(), answer.epoch());
            assertTrue(ids.add(answer.id()));
        }
        assertNotEquals(0, table.epoch());
        assertNotEquals(table.epoch(), new SessionTable<String, String>(POLICY, new Random(2)).epoch(),
                "a restarted server draws another epoch");
        assertEquals(new SessionWire.Offer(1, 10_000), table.offer());
    }

    @Test
    void aResumeReplaysExactlyWhatTheClientDidNotDeliver() {
        Link<String> first = start("conn-1");
        send(first, "s1", "s2", "s3", "s4", "s5");
        receive(first, 2);
        assertTrue(table.detach(first, true, now).isEmpty());
        assertEquals(1, table.lingering());

        Admission<String, String> a = table.admit(resume(first, 3, 4), "conn-2", now);
        Admission.Resumed<String, String> r = resumed(a);
        assertEquals(List.of("s1", "s2", "s3"), messages(r.released()));
        assertEquals(2, r.replayedToPeer(), "s4 and s5");
        assertEquals(2, r.replayedFromPeer(), "the client sent 4, the server delivered 2");
        assertNull(r.displaced(), "the old connection was gone");
        assertEquals(new SessionWire.Answer(SessionWire.Outcome.RESUMED, null, true, first.session().id(),
                table.epoch(), 2, 5), r.answer());
        assertEquals(3, r.link().acks().last(), "the new connection's writer starts after the client's count");
        assertEquals(List.of("s4", "s5"), messages(first.session().out().next(r.link().acks().last(), 10)));
        assertEquals(0, table.lingering());
    }

    @Test
    void aServerRestartRefusesTheResumeWithEpochChanged() {
        Link<String> old = start("conn-1");
        SessionTable<String, String> restarted = new SessionTable<>(POLICY, new Random(99));
        Admission<String, String> a = restarted.admit(resume(old, 0, 3), "conn-2", now);
        Admission.Refused<String, String> r = refused(a);
        assertEquals(ResumeFailure.EPOCH_CHANGED, r.reason());
        assertFalse(r.answer().countsKnown(), "the restarted server cannot know what it had delivered");
        assertEquals(restarted.epoch(), r.answer().epoch());
        assertNotEquals(old.session().id(), r.answer().id(), "a new session starts in its place");
        assertEquals(1, restarted.size());
        assertTrue(r.detail().contains("it restarted and lost its sessions"), r.detail());
    }

    @Test
    void aSessionNeverCreatedHereIsUnknown() {
        SessionWire.Request r = new SessionWire.Request(1, true, false, new UUID(1, 2), table.epoch(), 0, 0);
        Admission.Refused<String, String> a = refused(table.admit(r, "c", now));
        assertEquals(ResumeFailure.UNKNOWN_SESSION, a.reason());
    }

    @Test
    void lingerExpiryFiresExactlyOnceOnTheClock() {
        Link<String> link = start("conn-1");
        send(link, "s1", "s2");
        receive(link, 3);
        table.detach(link, true, now);
        long deadline = now + 10_000 * MS;
        assertEquals(deadline, table.nextDeadline());

        assertTrue(table.poll(deadline - 1).isEmpty(), "not before the linger is over");
        List<Expiry<String, String>> expired = table.poll(deadline);
        assertEquals(1, expired.size());
        assertEquals(link.session().id(), expired.getFirst().session());
        assertEquals("conn-1", expired.getFirst().lastConnection());
        assertEquals(List.of("s1", "s2"), messages(expired.getFirst().undelivered()));
        assertTrue(table.poll(deadline + 60_000 * MS).isEmpty(), "never twice");
        assertEquals(Long.MAX_VALUE, table.nextDeadline());
        assertEquals(0, table.size());

        Admission.Refused<String, String> late = refused(table.admit(resume(link, 0, 3), "conn-2", deadline + 1));
        assertEquals(ResumeFailure.EXPIRED, late.reason());
        assertTrue(late.answer().countsKnown(), "the server remembers its counts for a late client");
        assertEquals(3, late.answer().delivered());
        assertEquals(2, late.answer().sent());
    }

    @Test
    void aResumedSessionDoesNotExpire() {
        Link<String> link = start("conn-1");
        table.detach(link, true, now);
        table.admit(resume(link, 0, 0), "conn-2", now + 9_000 * MS);
        assertTrue(table.poll(now + 60_000 * MS).isEmpty());
        assertEquals(1, table.size());
    }

    @Test
    void aGracefulCloseEndsTheSessionAtOnce() {
        Link<String> link = start("conn-1");
        send(link, "s1");
        assertEquals(List.of("s1"), messages(table.detach(link, false, now)), "its futures fail with the close");
        assertEquals(0, table.size());
        assertTrue(table.poll(now + 60_000 * MS).isEmpty(), "no expiry event after a graceful close");
        assertEquals(ResumeFailure.UNKNOWN_SESSION, refused(table.admit(resume(link, 0, 0), "conn-2", now)).reason());
    }

    @Test
    void aResumeWhileTheOldConnectionLivesDisplacesAndFencesIt() {
        Link<String> old = start("conn-1");
        receive(old, 2);
        Admission.Resumed<String, String> r = resumed(table.admit(resume(old, 0, 4), "conn-2", now));
        assertEquals("conn-1", r.displaced(), "close it");
        assertEquals(ReceiveCounter.Verdict.DUPLICATE, old.data().onData(now), "frame 3 on the old connection");
        assertEquals(ReceiveCounter.Verdict.DELIVER, r.link().data().onData(now), "frame 3 replayed");
        assertTrue(table.detach(old, true, now).isEmpty());
        assertEquals(0, table.lingering(), "the displaced connection's death does not make the session linger");
    }

    @Test
    void aFullTableRejectsNewSessionsButStillResumes() {
        SessionTable<String, String> small = new SessionTable<>(SessionPolicy.builder().maxSessions(2).build(),
                new Random(3));
        Link<String> a = started(small.admit(SessionWire.Request.fresh(), "a", now)).link();
        small.admit(SessionWire.Request.fresh(), "b", now);
        small.detach(a, true, now);
        Admission.Full<String, String> full = full(small.admit(SessionWire.Request.fresh(), "c", now));
        assertEquals("session table full: 2 sessions, 1 of them lingering (maxSessions 2)", full.message());
        assertNull(full.answer());
        resumed(small.admit(resume(a, 0, 0), "a2", now));
    }

    @Test
    void countsBeyondWhatWasSentOrBelowWhatWasAcknowledgedAreProtocolErrors() throws Exception {
        Link<String> link = start("conn-1");
        send(link, "s1", "s2", "s3");
        link.acks().onAck(2);
        receive(link, 2);
        table.detach(link, true, now);

        assertEquals("session resume request says the client delivered 4 of the server's frames (expected: 2 to 3, "
                + "what was acknowledged to what was sent)", violation(resume(link, 4, 2)));
        assertEquals("session resume request says the client delivered 1 of the server's frames (expected: 2 to 3, "
                + "what was acknowledged to what was sent)", violation(resume(link, 1, 2)));
        assertEquals("session resume request says the client sent 1 frames, but the server delivered 2",
                violation(resume(link, 3, 1)));
        assertEquals(1, table.lingering(), "the session is left as it was");
        resumed(table.admit(resume(link, 3, 2), "conn-2", now));
    }

    private String violation(SessionWire.Request r) {
        Admission<String, String> a = table.admit(r, "bad", now);
        assertNull(a.answer());
        return violated(a).message();
    }

    @Test
    void aClientWhoseBufferOverflowedIsRefusedAndGetsExactCounts() {
        Link<String> link = start("conn-1");
        send(link, "s1", "s2", "s3");
        receive(link, 5);
        table.detach(link, true, now);
        SessionWire.Request r = new SessionWire.Request(1, true, true, link.session().id(), table.epoch(), 1, 9);
        Admission.Refused<String, String> a = refused(table.admit(r, "c2", now));
        assertEquals(ResumeFailure.REPLAY_OVERFLOW, a.reason());
        assertTrue(a.answer().countsKnown());
        assertEquals(5, a.answer().delivered(), "the client settles its own messages by this");
        assertEquals(List.of("s1"), messages(a.released()));
        assertEquals(List.of("s2", "s3"), messages(a.handedBack()), "the server hands back what the client missed");
        assertEquals(1, table.size(), "the old session is gone, the new one is there");
        assertEquals(ReceiveCounter.Verdict.ENDED, link.data().onData(now), "the old session takes nothing more");
    }

    @Test
    void aServerMessageOlderThanTheAgeBoundWhileLingeringRefusesTheResume() {
        SessionTable<String, String> t = new SessionTable<>(SessionPolicy.builder().linger(Duration.ofMinutes(10))
                .replayAge(Duration.ofSeconds(5)).build(), new Random(4));
        Link<String> link = started(t.admit(SessionWire.Request.fresh(), "c1", now)).link();
        link.session().out().append("s1", new byte[1], now);
        t.detach(link, true, now);
        SessionWire.Request r = new SessionWire.Request(1, true, false, link.session().id(), t.epoch(), 0, 0);
        Admission.Refused<String, String> a = refused(t.admit(r, "c2", now + 5_001 * MS));
        assertEquals(ResumeFailure.REPLAY_OVERFLOW, a.reason());
        assertEquals(List.of("s1"), messages(a.handedBack()));
        assertTrue(a.detail().contains("waited 5001ms unacknowledged while disconnected"), a.detail());
    }

    @Test
    void aShutdownEndsEverySessionWithoutExpiryEvents() {
        Link<String> a = start("a");
        Link<String> b = start("b");
        send(a, "a1");
        send(b, "b1", "b2");
        table.detach(b, true, now);
        assertEquals(List.of("a1", "b1", "b2"), messages(table.endAll()).stream().sorted().toList());
        assertEquals(0, table.size());
        assertTrue(table.poll(now + 60_000 * MS).isEmpty());
    }

    @Test
    void endedSessionsAreRememberedWithinTheBound() {
        SessionTable<String, String> t = new SessionTable<>(SessionPolicy.builder().maxSessions(1)
                .linger(Duration.ofSeconds(1)).build(), new Random(5));
        Link<String> a = started(t.admit(SessionWire.Request.fresh(), "a", now))
                .link();
        t.detach(a, true, now);
        assertEquals(1, t.poll(now + 1_000 * MS).size());
        Link<String> b = started(t.admit(SessionWire.Request.fresh(), "b", now))
                .link();
        t.detach(b, true, now);
        assertEquals(1, t.poll(now + 1_000 * MS).size());
        Admission.Refused<String, String> ra = refused(t.admit(resume(a, 0, 0), "a2", now));
        assertEquals(ResumeFailure.UNKNOWN_SESSION, ra.reason(), "forgotten: only one ending is remembered");
    }
}
