package dev.vigil.testing;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.ConnectionClosedException;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbound queue's limit, on an embedded connection: messages sent from another thread wait for a writer, which
 * runs only when the test drives the connection, so the test decides when the queue is full.
 */
class EmbeddedQueueTest {
    private final RecordingListener<String> events = new RecordingListener<>();

    private EmbeddedConnection<String> open(BackpressurePolicy policy) throws InterruptedException {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .heartbeat(HeartbeatPolicy.none()).maxQueuedMessages(3).backpressure(policy).build();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        c.readFrames();
        return c;
    }

    private static List<CompletableFuture<Void>> sendFromAnotherThread(EmbeddedConnection<String> c, int n)
            throws InterruptedException {
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        Thread sender = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < n; i++) {
                sends.add(c.connection().send("m" + i));
            }
        });
        sender.join();
        return sends;
    }

    @Test
    void underFailASendToAFullQueueFailsAloneAndTheRestAreWrittenInOrder() throws Exception {
        EmbeddedConnection<String> c = open(BackpressurePolicy.FAIL);
        List<CompletableFuture<Void>> sends = sendFromAnotherThread(c, 4);
        ExecutionException e = assertThrows(ExecutionException.class, () -> sends.get(3).get());
        assertTrue(e.getCause() instanceof RejectedExecutionException, e.toString());
        assertEquals(List.of(Frame.data("m0"), Frame.data("m1"), Frame.data("m2")), c.readFrames());
        for (int i = 0; i < 3; i++) {
            sends.get(i).get();
        }
        events.assertNoMore();
    }

    @Test
    void underCloseAFullQueueClosesTheConnectionAsASlowConsumer() throws Exception {
        EmbeddedConnection<String> c = open(BackpressurePolicy.CLOSE);
        List<CompletableFuture<Void>> sends = sendFromAnotherThread(c, 4);
        assertTrue(c.isTransportClosed(), "an abort closes the transport at once");
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.SLOW_CONSUMER, reason.kind());
        for (CompletableFuture<Void> send : sends) {
            ExecutionException e = assertThrows(ExecutionException.class, send::get);
            assertTrue(e.getCause() instanceof ConnectionClosedException, e.toString());
        }
        assertEquals(null, c.readFrame(), "an abort writes nothing more");
    }
}
