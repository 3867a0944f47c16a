package dev.vigil.internal.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceiveCounterTest {
    private static final long MS = 1_000_000L;
    private long now = 7_000 * MS;
    private final ReceiveCounter counter = new ReceiveCounter(4, Duration.ofMillis(100).toNanos());

    @Test
    void framesOnACursorAreDeliveredAndCounted() {
        ReceiveCounter.Cursor c = counter.cursor();
        assertEquals(0, c.start());
        assertEquals(ReceiveCounter.Verdict.DELIVER, c.onData(now));
        assertEquals(ReceiveCounter.Verdict.DELIVER, c.onData(now));
        assertEquals(2, counter.delivered());
        assertEquals(3, c.next());
    }

    @Test
    void anAckIsDueAfterKFrames() {
        ReceiveCounter.Cursor c = counter.cursor();
        for (int i = 0; i < 3; i++) {
            c.onData(now);
        }
        assertFalse(counter.ackDue(now), "3 of 4");
        c.onData(now);
        assertTrue(counter.ackDue(now), "4 of 4");
        assertEquals(4, counter.takeAck());
        assertFalse(counter.ackDue(now));
        assertEquals(-1, counter.takeAck(), "nothing new to acknowledge");
    }

    @Test
    void anAckIsDueTMillisecondsAfterTheFirstUncoveredDelivery() {
        ReceiveCounter.Cursor c = counter.cursor();
        assertEquals(Long.MAX_VALUE, counter.ackDeadline(), "nothing owed");
        c.onData(now);
        long first = now;
        now += 60 * MS;
        c.onData(now);
        assertEquals(first + 100 * MS, counter.ackDeadline(), "measured from the first uncovered delivery");
        assertFalse(counter.ackDue(first + 100 * MS - 1));
        assertTrue(counter.ackDue(first + 100 * MS));
        counter.takeAck();
        assertEquals(Long.MAX_VALUE, counter.ackDeadline());
        c.onData(first + 500 * MS);
        assertEquals(first + 600 * MS, counter.ackDeadline(), "the clock starts again at the next delivery");
    }

    @Test
    void aPiggybackedAckTakesWhatIsOwedBeforeItIsDue() {
        ReceiveCounter.Cursor c = counter.cursor();
        c.onData(now);
        assertFalse(counter.ackDue(now));
        assertEquals(1, counter.takeAck(), "rides ahead of outgoing DATA although not due");
        assertEquals(Long.MAX_VALUE, counter.ackDeadline());
    }

    @Test
    void aNewCursorStartsAtTheDeliveredCountWhichCountsAsAcknowledged() {
        ReceiveCounter.Cursor first = counter.cursor();
        first.onData(now);
        first.onData(now);
        ReceiveCounter.Cursor second = counter.cursor();
        assertEquals(2, second.start(), "the count announced in the resume");
        assertEquals(-1, counter.takeAck(), "the resume carried it");
        assertEquals(ReceiveCounter.Verdict.DELIVER, second.onData(now));
        assertEquals(3, counter.delivered());
    }

    @Test
    void aDisplacedConnectionsFramesAreDuplicatesDroppedExactlyOnce() {
        ReceiveCounter.Cursor old = counter.cursor();
        old.onData(now);
        ReceiveCounter.Cursor current = counter.cursor(); // the client came back; it replays from 2
        assertEquals(ReceiveCounter.Verdict.DUPLICATE, old.onData(now), "frame 2's copy on the old connection");
        assertEquals(ReceiveCounter.Verdict.DELIVER, current.onData(now), "frame 2 replayed");
        assertEquals(ReceiveCounter.Verdict.DUPLICATE, old.onData(now), "frame 3's copy on the old connection");
        assertEquals(ReceiveCounter.Verdict.DELIVER, current.onData(now), "frame 3 replayed");
        assertEquals(3, counter.delivered());
        assertEquals(2, counter.duplicates(), "each copy dropped once");
    }

    @Test
    void aSealedCounterEndsEveryLaterFrame() {
        ReceiveCounter.Cursor c = counter.cursor();
        c.onData(now);
        assertEquals(1, counter.seal());
        assertEquals(ReceiveCounter.Verdict.ENDED, c.onData(now));
        assertEquals(1, counter.delivered(), "the count given to the peer stays true");
    }

    @Test
    void ackCursorRefusesCountsThatGoBackwardsOrBeyondWhatWasSent() throws Exception {
        ReplayBuffer<String> out = new ReplayBuffer<>(dev.vigil.SessionPolicy.defaults());
        for (int i = 0; i < 5; i++) {
            out.append("m" + i, new byte[1], now);
        }
        AckCursor<String> acks = new AckCursor<>(out, 1);
        assertEquals(List.of("m0", "m1", "m2"), acks.onAck(3).stream().map(ReplayBuffer.Entry::message).toList());
        assertEquals(List.of(), acks.onAck(3), "the same count again is harmless");
        SessionProtocolException back = assertThrows(SessionProtocolException.class, () -> acks.onAck(2));
        assertEquals("ACK 2 goes backwards: the peer acknowledged 3 frames before", back.getMessage());
        SessionProtocolException beyond = assertThrows(SessionProtocolException.class, () -> acks.onAck(6));
        assertEquals("ACK 6 covers frames never sent: 5 sent in this session", beyond.getMessage());
        assertEquals(3, acks.last(), "a refused ACK changes nothing");

        AckCursor<String> displaced = new AckCursor<>(out, 0);
        assertEquals(List.of(), displaced.onAck(1), "an old connection's late ACK below the count is no error");
    }
}
