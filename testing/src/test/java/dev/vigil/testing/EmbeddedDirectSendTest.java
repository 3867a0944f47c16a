package dev.vigil.testing;

import dev.vigil.BackpressurePolicy;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;

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
 * one after many bytes without word from the peer, is queued for a writer as before.
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
}
