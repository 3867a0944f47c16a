package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionLostException;
import dev.vigil.SessionPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-connection facade the connection core calls, on a fake clock. */
class SessionChannelTest {
    private static final long MS = 1_000_000L;
    private static final SessionPolicy POLICY = SessionPolicy.builder().ackEvery(3)
            .ackInterval(Duration.ofMillis(100)).build();
    private final SessionTable<String, String> table = new SessionTable<>(POLICY, new Random(11));
    private long now = 4_000 * MS;

    @SuppressWarnings("unchecked")
    private SessionChannel<String> started() {
        return new SessionChannel<>(((Admission.Started<String, String>) table.admit(SessionWire.Request.fresh(),
                "c", now)).link());
    }

    private static List<String> messages(List<ReplayBuffer.Entry<String>> entries) {
        return entries.stream().map(ReplayBuffer.Entry::message).toList();
    }

    @Test
    void theWriterPullsEachFrameOnceInOrder() {
        SessionChannel<String> ch = started();
        ReplayBuffer<String> out = ch.link().session().out();
        assertFalse(ch.hasData());
        out.append("a", new byte[]{1}, now);
        out.append("b", new byte[]{2}, now);
        out.append("c", new byte[]{3}, now);
        assertTrue(ch.hasData());
        assertEquals(List.of("a", "b"), messages(ch.pull(2)));
        assertEquals(List.of("c"), messages(ch.pull(2)));
        assertEquals(List.of(), messages(ch.pull(2)));
        assertEquals(3, ch.written());
        assertFalse(ch.hasData());
    }

    @Test
    void anAckRidesAheadOfDataWhenOwedAndTheTimerSendsItWhenDue() {
        SessionChannel<String> ch = started();
        assertNull(ch.piggyback(), "nothing owed");
        assertEquals(ReceiveCounter.Verdict.DELIVER, ch.onData(now));
        assertEquals(now + 100 * MS, ch.nextDeadline());
        assertNull(ch.onTimer(now + 99 * MS), "not due yet");
        assertArrayEquals(SessionWire.ackFrame(1), ch.onTimer(now + 100 * MS));
        assertEquals(Long.MAX_VALUE, ch.nextDeadline());
        ch.onData(now);
        assertArrayEquals(SessionWire.ackFrame(2), ch.piggyback(), "piggybacked before it is due");
        for (int i = 0; i < 3; i++) {
            ch.onData(now);
        }
        assertArrayEquals(SessionWire.ackFrame(5), ch.onTimer(now), "due after ackEvery frames at once");
    }

    @Test
    void aMalformedOrImpossibleAckIsAProtocolError() throws Exception {
        SessionChannel<String> ch = started();
        ch.link().session().out().append("a", new byte[1], now);
        byte[] two = SessionWire.ackFrame(2);
        assertEquals("ACK 2 covers frames never sent: 1 sent in this session",
                assertThrows(SessionProtocolException.class, () -> ch.onAck(two, 5, 8)).getMessage());
        byte[] one = SessionWire.ackFrame(1);
        assertEquals(List.of("a"), messages(ch.onAck(one, 5, 8)));
        assertEquals("ACK frame has 7 bytes (expected: 8)",
                assertThrows(SessionProtocolException.class, () -> ch.onAck(one, 5, 7)).getMessage());
    }

    @Test
    void settlementConfirmsAndFailsWithTheReason() {
        SessionChannel<String> ch = started();
        ReplayBuffer<String> out = ch.link().session().out();
        ReplayBuffer.Entry<String> a = out.append("a", new byte[1], now);
        ReplayBuffer.Entry<String> b = out.append("b", new byte[1], now);
        Settlement.confirm(List.of(a));
        assertTrue(a.delivered().isDone() && !a.delivered().isCompletedExceptionally());
        UUID id = ch.link().session().id();
        assertEquals(List.of("b"), Settlement.handBack(List.of(b), id, ResumeFailure.EXPIRED, "gone"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> b.delivered().get());
        SessionLostException lost = assertInstanceOf(SessionLostException.class, e.getCause());
        assertEquals(ResumeFailure.EXPIRED, lost.reason());
        assertEquals(id, lost.session());
        assertEquals("gone", lost.getMessage());
    }
}
