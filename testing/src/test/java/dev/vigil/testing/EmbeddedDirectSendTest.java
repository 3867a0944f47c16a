package dev.vigil.testing;

import dev.vigil.BackpressurePolicy;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A send from a thread that may wait (policy BLOCK) on an idle connection is written on that thread before
 * {@code send} returns, with no writer thread, and returns one shared completed future; a send that may not wait, or
 * one after many bytes without word from the peer, is queued for a writer as before. The reader's replies during
 * one read share one future, completed by their one write.
 */
class EmbeddedDirectSendTest {
    private final RecordingListener<String> events = new RecordingListener<>();

    private EmbeddedConnection<String> open(BackpressurePolicy policy) throws InterruptedException {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .heartbeat(HeartbeatPolicy.none()).backpressure(policy).build();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        c.readFrames();
        return c;
    }

    /** Sends each message from a virtual thread of its own, one after the other; returns their futures. */
    private static List<CompletableFuture<Void>> sendFromVirtualThreads(EmbeddedConnection<String> c,
                                                                       String... messages) throws Exception {
        CompletableFuture<?>[] sends = new CompletableFuture<?>[messages.length];
        for (int i = 0; i < messages.length; i++) {
            AtomicReference<CompletableFuture<Void>> sent = new AtomicReference<>();
            String message = messages[i];
            Thread.ofVirtual().start(() -> sent.set(c.connection().send(message))).join();
            sends[i] = sent.get();
        }
        @SuppressWarnings("unchecked")
        List<CompletableFuture<Void>> list = (List<CompletableFuture<Void>>) (List<?>) List.of(sends);
        return list;
    }

    @Test
    void aSendFromAVirtualThreadOnAnIdleConnectionIsWrittenBeforeSendReturns() throws Exception {
        EmbeddedConnection<String> c = open(BackpressurePolicy.BLOCK);
        List<CompletableFuture<Void>> sends = sendFromVirtualThreads(c, "one", "two");
        assertTrue(sends.get(0).isDone() && !sends.get(0).isCompletedExceptionally(), "written on the caller");
        assertSame(sends.get(0), sends.get(1), "a direct send allocates no future: every one returns the same");
        assertEquals(2, c.outboundWrites(), "no writer was needed: nothing ran the pending tasks");
        assertEquals(List.of(Frame.data("one"), Frame.data("two")), c.readFrames());
        events.assertNoMore();
    }

    @Test
    void theSharedWrittenFutureRefusesToBeChanged() throws Exception {
        EmbeddedConnection<String> c = open(BackpressurePolicy.BLOCK);
        CompletableFuture<Void> written = sendFromVirtualThreads(c, "one").get(0);
        assertThrows(UnsupportedOperationException.class, () -> written.obtrudeValue(null));
        assertThrows(UnsupportedOperationException.class, () -> written.obtrudeException(new Exception("no")));
        assertFalse(written.complete(null));
        assertFalse(written.completeExceptionally(new Exception("no")));
        assertFalse(written.cancel(true));
        assertTrue(written.isDone() && !written.isCompletedExceptionally() && !written.isCancelled());
        CompletableFuture<String> dependent = written.thenApply(v -> "after");
        dependent.obtrudeValue("mine"); // a dependent is the caller's own, plain future
        assertEquals("mine", dependent.get());
        assertSame(written, sendFromVirtualThreads(c, "two").get(0), "still shared, still completed normally");
        assertEquals(List.of(Frame.data("one"), Frame.data("two")), c.readFrames());
    }

    @Test
    void aSendThatMayNotWaitIsQueuedForAWriter() throws Exception {
        EmbeddedConnection<String> c = open(BackpressurePolicy.FAIL);
        CompletableFuture<Void> send = sendFromVirtualThreads(c, "queued").get(0);
        assertFalse(send.isDone(), "under FAIL a send never blocks its caller, so it waits for a writer");
        c.runPendingTasks();
        assertTrue(send.isDone());
        assertEquals(List.of(Frame.data("queued")), c.readFrames());
    }

    @Test
    void aDirectSendThatCannotBeEncodedFailsAloneAndTheNextIsWritten() throws Exception {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .heartbeat(HeartbeatPolicy.none()).maxFrameSize(100).build();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        c.readFrames();
        List<CompletableFuture<Void>> sends = sendFromVirtualThreads(c, "x".repeat(101), "fits");
        ExecutionException e = assertThrows(ExecutionException.class, sends.get(0)::get);
        assertTrue(e.getCause().getMessage().contains("exceeds the maximum frame size"), e.toString());
        sends.get(1).get();
        assertEquals(List.of(Frame.data("fits")), c.readFrames());
    }

    @Test
    void afterManyBytesWithoutWordFromThePeerSendsAreQueuedUntilThePeerSpeaks() throws Exception {
        EmbeddedConnection<String> c = open(BackpressurePolicy.BLOCK);
        String big = "x".repeat(17 * 1024);
        List<CompletableFuture<Void>> sends = sendFromVirtualThreads(c, big, "after");
        assertTrue(sends.get(0).isDone(), "the first goes direct");
        assertFalse(sends.get(1).isDone(), "17 KiB out and nothing heard: a deaf peer must fill the queue, not block");
        c.runPendingTasks();
        sends.get(1).get();
        c.readFrames();
        c.writeFrame(Frame.data("hello"));
        events.nextMessage("hello");
        assertTrue(sendFromVirtualThreads(c, "direct again").get(0).isDone(), "the peer spoke: direct again");
        assertEquals(List.of(Frame.data("direct again")), c.readFrames());
    }

    @Test
    void theRepliesOfOneReadShareOneFutureCompletedByTheirOneWrite() throws Exception {
        List<CompletableFuture<Void>> replies = new java.util.ArrayList<>();
        List<Boolean> doneInCallback = new java.util.ArrayList<>();
        ConnectionListener<String> replyTwice = new ConnectionListener<>() {
            @Override
            public void onMessage(Connection<String> connection, String message) {
                replies.add(connection.send(message + " 1"));
                replies.add(connection.send("x".repeat(101))); // over the peer's maximum: fails alone
                replies.add(connection.send(message + " 2"));
                doneInCallback.add(replies.get(0).isDone());
            }
        };
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), replyTwice)
                .heartbeat(HeartbeatPolicy.none()).build();
        c.writeHello(new Hello(1, false, Duration.ZERO, Duration.ZERO, Duration.ZERO, 100));
        c.readFrames();
        c.writeFrame(Frame.data("a"), Frame.data("b"));
        assertEquals(List.of(false, false), doneInCallback, "written only once the read's frames are delivered");
        assertEquals(1, c.outboundWrites(), "the replies to one read leave in one write");
        assertSame(replies.get(0), replies.get(2), "one future for the replies of one read");
        assertSame(replies.get(0), replies.get(3));
        replies.get(0).get();
        ExecutionException e = assertThrows(ExecutionException.class, replies.get(1)::get);
        assertTrue(e.getCause().getMessage().contains("exceeds the maximum frame size"), e.toString());
        assertThrows(UnsupportedOperationException.class, () -> replies.get(0).obtrudeValue(null));
        assertThrows(UnsupportedOperationException.class, () -> replies.get(0).obtrudeException(new Exception()));
        assertEquals(List.of(Frame.data("a 1"), Frame.data("a 2"), Frame.data("b 1"), Frame.data("b 2")),
                c.readFrames());
    }
}
