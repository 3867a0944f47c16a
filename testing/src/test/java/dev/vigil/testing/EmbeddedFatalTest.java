package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule of issue #10 that the wire fuzzer of #11 found broken: replies owed to frames before a fatal one go out
 * before the CLOSE, those still queued from earlier reads included, and the CLOSE always comes before the FIN.
 */
class EmbeddedFatalTest {

    @Test
    void echoesQueuedFromEarlierReadsGoOutBeforeTheCloseOfAFatalFrame() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .heartbeat(HeartbeatPolicy.none()).build();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        c.readFrames();
        // Two echoes accepted earlier, from another thread: they wait in the queue for the writer.
        Thread sender = Thread.ofPlatform().start(() -> {
            c.connection().send("one");
            c.connection().send("two");
        });
        sender.join();
        c.writeInbound(new byte[] {0, 0, 0, 1, 9, 0}); // a frame of unknown type 9: fatal
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.PROTOCOL_ERROR, reason.kind(), reason.toString());
        List<Frame> frames = c.readFrames();
        assertEquals(3, frames.size(), frames.toString());
        assertEquals(List.of(Frame.data("one"), Frame.data("two")), frames.subList(0, 2));
        assertEquals(CloseReason.Kind.PROTOCOL_ERROR.code(), frames.get(2).closeCode(), frames.toString());
        assertTrue(c.isOutputShutdown(), "the FIN comes after the CLOSE");
    }

    @Test
    void aSendAcceptedBeforeTheFatalFrameCompletesRatherThanFails() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .heartbeat(HeartbeatPolicy.none()).build();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        c.readFrames();
        CompletableFuture<CompletableFuture<Void>> send = new CompletableFuture<>();
        Thread sender = Thread.ofPlatform().start(() -> send.complete(c.connection().send("owed")));
        sender.join();
        c.writeInbound(new byte[] {0, 0, 0, 1, 9, 0});
        send.get().get(); // written, not failed with the close reason
        assertEquals(Frame.data("owed"), c.readFrames().get(0));
    }
}
