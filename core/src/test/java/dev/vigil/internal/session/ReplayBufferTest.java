package dev.vigil.internal.session;

import dev.vigil.SessionPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayBufferTest {
    private static final long MS = 1_000_000L;
    private long now = 5_000 * MS;

    private static ReplayBuffer<String> buffer(int messages, long bytes, Duration age) {
        return new ReplayBuffer<>(SessionPolicy.builder().replayMessages(messages).replayBytes(bytes).replayAge(age)
                .ackEvery(1).ackInterval(Duration.ofMillis(1)).build());
    }

    private static List<String> messages(List<ReplayBuffer.Entry<String>> entries) {
        return entries.stream().map(ReplayBuffer.Entry::message).toList();
    }

    @Test
    void entriesAreNumberedFromOneInSendOrder() {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofMinutes(1));
        assertEquals(1, b.append("a", new byte[1], now).position());
        assertEquals(2, b.append("b", new byte[2], now).position());
        assertEquals(2, b.sent());
        assertEquals(2, b.size());
        assertEquals(3, b.bytes());
    }

    @Test
    void anAckReleasesEverythingItCoversAndOnlyThat() throws Exception {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofMinutes(1));
        for (String m : List.of("a", "b", "c", "d")) {
            b.append(m, new byte[1], now);
        }
        assertEquals(List.of("a", "b"), messages(b.release(2)));
        assertEquals(List.of(), messages(b.release(2)), "the same count again releases nothing");
        assertEquals(List.of(), messages(b.release(1)), "an older count releases nothing");
        assertEquals(List.of("c", "d"), messages(b.release(4)));
        assertEquals(4, b.acknowledged());
        assertEquals(0, b.bytes());
    }

    @Test
    void anAckBeyondWhatWasSentIsAProtocolError() {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofMinutes(1));
        b.append("a", new byte[1], now);
        SessionProtocolException e = assertThrows(SessionProtocolException.class, () -> b.release(2));
        assertEquals("ACK 2 covers frames never sent: 1 sent in this session", e.getMessage());
        assertEquals(1, b.size(), "nothing released");
    }

    @Test
    void aFullBufferSaysFullWhileConnectedAndStaysIntact() throws Exception {
        ReplayBuffer<String> b = buffer(2, 10, Duration.ofMinutes(1));
        b.append("a", new byte[4], now);
        assertEquals(ReplayBuffer.Room.FULL, b.room(7), "7 more bytes exceed 10");
        assertEquals(ReplayBuffer.Room.OK, b.room(6));
        b.append("b", new byte[1], now);
        assertEquals(ReplayBuffer.Room.FULL, b.room(1), "2 messages is the bound");
        assertThrows(IllegalStateException.class, () -> b.append("c", new byte[1], now));
        b.release(1);
        assertEquals(ReplayBuffer.Room.OK, b.room(1), "an ACK makes room");
        assertNull(b.overflow());
    }

    @Test
    void overflowWhileDisconnectedIsReportedAndSticky() {
        ReplayBuffer<String> b = buffer(2, 100, Duration.ofMinutes(1));
        assertNotNull(b.appendOrOverflow("a", new byte[1], now));
        assertNotNull(b.appendOrOverflow("b", new byte[1], now));
        assertNull(b.appendOrOverflow("c", new byte[1], now), "c does not fit");
        assertEquals("a 1-byte message did not fit while disconnected: 2 messages and 2 bytes held "
                + "(bounds: 2 messages, 100 bytes)", b.overflow());
        assertEquals(ReplayBuffer.Room.OVERFLOWED, b.room(0));
        assertEquals(2, b.size(), "what it held stays until the resume settles it");

        ReplayBuffer<String> bytes = buffer(10, 10, Duration.ofMinutes(1));
        assertNull(bytes.appendOrOverflow("big", new byte[11], now), "over the byte bound");
        assertNull(bytes.appendOrOverflow("small", new byte[1], now), "refused although it would fit: sticky");
        assertEquals(0, bytes.size());
    }

    @Test
    void theAgeBoundIsAPureFunctionOfNow() {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofSeconds(2));
        assertEquals(Long.MAX_VALUE, b.untilTooOld(now), "empty: never");
        b.append("a", new byte[1], now);
        now += 2_000 * MS;
        assertNull(b.checkAge(now), "exactly the bound is still fine");
        assertEquals(1, b.untilTooOld(now));
        now += 1;
        assertEquals(0, b.untilTooOld(now));
        assertEquals("message #1 waited 2000ms unacknowledged while disconnected (replayAge 2000ms)", b.checkAge(now));
        assertEquals(ReplayBuffer.Room.OVERFLOWED, b.room(1));
    }

    @Test
    void replayReturnsEverythingAfterTheCountInOrderAndReleasesTheRest() throws Exception {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofMinutes(1));
        for (String m : List.of("a", "b", "c", "d", "e")) {
            b.append(m, new byte[1], now);
        }
        b.release(1);
        List<ReplayBuffer.Entry<String>> released = new ArrayList<>();
        assertEquals(List.of("d", "e"), messages(b.replayAfter(3, released)));
        assertEquals(List.of("b", "c"), messages(released));
        assertEquals(List.of("d", "e"), messages(b.next(3, 10)), "still held until an ACK covers them");
        assertEquals(List.of("d"), messages(b.next(3, 1)));
        assertEquals(List.of("e"), messages(b.next(4, 10)));
        assertEquals(List.of(), messages(b.next(5, 10)));
    }

    @Test
    void aResumeCountBelowWhatWasAcknowledgedIsAProtocolError() throws Exception {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofMinutes(1));
        for (int i = 0; i < 4; i++) {
            b.append("m" + i, new byte[1], now);
        }
        b.release(3);
        SessionProtocolException e = assertThrows(SessionProtocolException.class,
                () -> b.replayAfter(2, new ArrayList<>()));
        assertEquals("resume count 2 goes back below the 3 frames the peer had acknowledged", e.getMessage());
        e = assertThrows(SessionProtocolException.class, () -> b.replayAfter(5, new ArrayList<>()));
        assertEquals("resume count 5 covers frames never sent: 4 sent in this session", e.getMessage());
    }

    @Test
    void aWriterNeverSkipsAFrame() throws Exception {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            b.append("m" + i, new byte[1], now);
        }
        b.release(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.next(0, 10));
        assertTrue(e.getMessage().startsWith("the writer is at frame 0 but the next held frame is 3"), e.getMessage());
    }

    @Test
    void handingBackSettlesExactlyWhatThePeerDeliveredAndRefusesMore() {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofMinutes(1));
        for (String m : List.of("a", "b", "c")) {
            b.append(m, new byte[1], now);
        }
        List<ReplayBuffer.Entry<String>> released = new ArrayList<>();
        assertEquals(List.of("c"), messages(b.handBack(2, released)));
        assertEquals(List.of("a", "b"), messages(released));
        assertEquals(ReplayBuffer.Room.OVERFLOWED, b.room(1), "a handed-back buffer takes nothing more");
        assertNull(b.appendOrOverflow("d", new byte[1], now));

        ReplayBuffer<String> unknown = buffer(10, 100, Duration.ofMinutes(1));
        unknown.append("x", new byte[1], now);
        List<ReplayBuffer.Entry<String>> none = new ArrayList<>();
        assertEquals(List.of("x"), messages(unknown.handBack(-1, none)), "counts unknown: everything comes back");
        assertTrue(none.isEmpty());
    }

    @Test
    void eachEntryKeepsItsOwnDeliveryFuture() throws Exception {
        ReplayBuffer<String> b = buffer(10, 100, Duration.ofMinutes(1));
        ReplayBuffer.Entry<String> a = b.append("a", new byte[1], now);
        ReplayBuffer.Entry<String> c = b.append("c", new byte[1], now);
        List<ReplayBuffer.Entry<String>> released = b.release(1);
        assertEquals(1, released.size());
        assertTrue(released.getFirst().delivered() == a.delivered(), "the released entry carries the future");
        assertFalse(c.delivered().isDone(), "the buffer completes nothing itself; the caller does, outside locks");
    }
}
