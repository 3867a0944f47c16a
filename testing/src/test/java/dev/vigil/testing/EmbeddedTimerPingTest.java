package dev.vigil.testing;

import dev.vigil.BackpressurePolicy;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who writes a PING that falls due: the timer itself while the write side is idle and the write cannot block, a
 * writer thread otherwise; on the fake clock, counting the threads the connection starts.
 */
class EmbeddedTimerPingTest {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration RTT = Duration.ofMillis(5);

    private final RecordingListener<String> events = new RecordingListener<>();
    private final EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
            .heartbeat(HeartbeatPolicy.fixed(INTERVAL, Duration.ofSeconds(10)).withJitter(0))
            .backpressure(BackpressurePolicy.FAIL).build();

    private void open() throws InterruptedException {
        c.writeHello();
        events.next(RecordingListener.Open.class);
        assertEquals(List.of(), c.readFrames());
    }

    @AfterEach
    void nothingUnexpected() {
        events.assertNoMore();
    }

    /** The peer answers a PING after a round trip of {@link #RTT}. */
    private void answer(Frame ping) {
        c.advanceTimeBy(RTT);
        c.writeFrame(Frame.pong(ping.nonce()));
    }

    private Frame nextPing() {
        c.advanceTimeBy(INTERVAL);
        List<Frame> frames = c.readFrames();
        assertEquals(1, frames.size(), "one PING: " + frames);
        assertEquals(Frame.Type.PING, frames.get(0).type());
        return frames.get(0);
    }

    @Test
    void anIdleConnectionsPingsAreWrittenByTheTimerWithNoThreadStarted() throws Exception {
        open();
        for (int beat = 0; beat < 5; beat++) {
            Frame ping = nextPing();
            answer(ping);
        }
        assertEquals(0, c.threadsStarted("writer"), "no writer thread for an idle connection's PINGs");
    }

    @Test
    void aPingAfterAnUnansweredOneGoesToAWriterThread() throws Exception {
        open();
        nextPing();
        assertEquals(0, c.threadsStarted("writer"));
        // The peer sends, but does not answer: it may not be reading, and the socket's send buffer may be full.
        c.advanceTimeBy(RTT);
        c.writeFrame(Frame.data("busy"));
        events.nextMessage("busy");
        nextPing();
        assertEquals(1, c.threadsStarted("writer"), "the timer must not write to a peer that may not read");
    }

    @Test
    void morePendingBytesThanTheBudgetSendThePingThroughAWriterUntilThePeerAnswers() throws Exception {
        open();
        c.connection().send("x".repeat(600)); // from the connection's reader, outside a read: written inline
        assertEquals(Frame.Type.DATA, c.readFrame().type());
        Frame ping = nextPing();
        assertEquals(1, c.threadsStarted("writer"), "600 unread bytes: the PING may not fit in the send buffer");
        answer(ping); // the peer read all of it
        nextPing();
        assertEquals(1, c.threadsStarted("writer"), "once the PING is answered, the timer writes the next one");
    }

    @Test
    void aPingDueWhileDataIsQueuedGoesFirstThroughTheWriterAlreadyStarted() throws Exception {
        open();
        List<CompletableFuture<Void>> sends = new java.util.ArrayList<>();
        Thread sender = Thread.ofPlatform().start(() -> {
            sends.add(c.connection().send("a"));
            sends.add(c.connection().send("b"));
        });
        sender.join();
        assertEquals(1, c.threadsStarted("writer"), "the queued messages asked for a writer");
        c.advanceTimeBy(INTERVAL.minusMillis(1));
        List<Frame> frames = c.readFrames(); // that writer ran at the first driving call
        assertEquals(List.of(Frame.data("a"), Frame.data("b")), frames);
        // Now queue again and let the PING fall due before the writer runs.
        sends.clear();
        sender = Thread.ofPlatform().start(() -> sends.add(c.connection().send("c")));
        sender.join();
        c.advanceTimeBy(INTERVAL);
        frames = c.readFrames();
        assertEquals(2, frames.size(), frames.toString());
        assertEquals(Frame.Type.PING, frames.get(0).type(), "control frames go ahead of queued data: " + frames);
        assertEquals(Frame.data("c"), frames.get(1));
        assertEquals(2, c.threadsStarted("writer"), "the PING rode the writer the queued message started");
        assertTrue(sends.get(0).isDone());
    }
}
