package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How an embedded connection ends: CLOSE frames, their order, FIN, RST and the close timeout. */
class EmbeddedClosingTest {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final RecordingListener<String> events = new RecordingListener<>();

    private EmbeddedConnection<String> open(ConnectionListener<String> listener) throws InterruptedException {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), listener)
                .heartbeat(HeartbeatPolicy.none()).closeTimeout(CLOSE_TIMEOUT).build();
        c.writeHello();
        c.readHello();
        return c;
    }

    @Test
    void aCloseFrameFollowsEveryMessageQueuedBeforeTheClose() throws Exception {
        ConnectionListener<String> replyThenClose = new ConnectionListener<>() {
            @Override
            public void onMessage(Connection<String> connection, String message) {
                connection.send("one");
                connection.send("two");
                connection.close();
                connection.send("after close");
            }
        };
        EmbeddedConnection<String> c = open(replyThenClose);
        c.writeFrame(Frame.data("go"));
        List<Frame> frames = c.readFrames();
        assertEquals(List.of(Frame.data("one"), Frame.data("two")), frames.subList(0, 2));
        assertEquals(1, frames.get(2).closeCode(), "code 1: closed by the application: " + frames);
        assertEquals(3, frames.size(), "nothing after the CLOSE frame: " + frames);
        assertTrue(c.isOutputShutdown(), "FIN follows the CLOSE frame");
        assertEquals(ConnectionState.CLOSING, c.state());
    }

    @Test
    void aPeerThatNeverAnswersOurCloseIsCutAtTheCloseTimeout() throws Exception {
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.connection().close();
        assertEquals(1, c.readFrame().closeCode());
        c.advanceTimeBy(CLOSE_TIMEOUT.minusMillis(1));
        assertFalse(c.isTransportClosed());
        events.assertNoMore();
        c.advanceTimeBy(Duration.ofMillis(1));
        assertTrue(c.isTransportClosed());
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, reason.kind());
        events.assertNoMore();
    }

    @Test
    void aPeerThatAnswersOurCloseWithFinEndsTheConnectionAtOnce() throws Exception {
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.connection().close();
        c.writeFrame(Frame.close(CloseReason.Kind.CLOSED_BY_PEER, "closing as the peer asked"));
        c.finishInbound();
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, events.next(RecordingListener.Close.class).reason().kind(),
                "the first reason wins: ours");
        assertEquals(List.of(Frame.Type.CLOSE), c.readFrames().stream().map(Frame::type).toList(),
                "our CLOSE only: the peer's answer is not answered again");
    }

    @Test
    void thePeersCloseIsAnsweredWithCode2AfterTheMessagesBeforeItAreDelivered() throws Exception {
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.writeFrame(Frame.data("last words"), Frame.close(CloseReason.Kind.CLOSED_LOCALLY, "bye"));
        events.nextMessage("last words");
        Frame answer = c.readFrame();
        assertEquals(2, answer.closeCode());
        assertTrue(c.isOutputShutdown());
        c.finishInbound();
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.CLOSED_BY_PEER, reason.kind(), "the peer's code 1 is our CLOSED_BY_PEER");
        assertEquals("bye", reason.message());
        assertTrue(reason.remote());
    }

    @Test
    void framesAfterThePeersCloseAreDropped() throws Exception {
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.writeFrame(Frame.close(CloseReason.Kind.CLOSED_LOCALLY, "bye"), Frame.data("too late"), Frame.ping(5));
        assertEquals(List.of(Frame.Type.CLOSE), c.readFrames().stream().map(Frame::type).toList(),
                "no PONG for a PING after CLOSE");
        c.finishInbound();
        events.next(RecordingListener.Close.class);
        events.assertNoMore();
    }

    @Test
    void aFinWithoutCloseIsAnsweredWithCloseAndReportedAsClosedByPeer() throws Exception {
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.finishInbound();
        assertEquals(2, c.readFrame().closeCode());
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.CLOSED_BY_PEER, reason.kind());
        assertEquals("peer closed the TCP connection without a CLOSE frame", reason.message());
        assertFalse(reason.remote(), "no CLOSE frame came, so the reason is ours");
    }

    @Test
    void aResetEndsTheConnectionWithReset() throws Exception {
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.resetByPeer();
        assertEquals(CloseReason.Kind.RESET, events.next(RecordingListener.Close.class).reason().kind());
        assertTrue(c.isFinished());
    }

    @Test
    void rejectFailsWhatIsQueuedAndSendsRejected() throws Exception {
        ConnectionListener<String> rejecting = new ConnectionListener<>() {
            @Override
            public void onMessage(Connection<String> connection, String message) {
                connection.send("queued before the rejection").whenComplete((v, e) -> events.onError(connection,
                        e == null ? new AssertionError("sent") : e));
                connection.reject("not welcome: " + message);
            }
        };
        EmbeddedConnection<String> c = open(rejecting);
        c.writeFrame(Frame.data("mallory"));
        Throwable failed = events.next(RecordingListener.Error.class).error();
        assertTrue(failed instanceof ConnectionClosedException, failed.toString());
        Frame close = c.readFrame();
        assertEquals(CloseReason.Kind.REJECTED, close.closeKind());
        assertEquals("not welcome: mallory", close.closeText());
    }

    @Test
    void theFirstCloseReasonWinsAndLaterOnesChangeNothing() throws Exception {
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.connection().close();
        c.connection().reject("too late");
        c.writeFrame(Frame.close(CloseReason.Kind.SHUTDOWN, "also too late"));
        c.finishInbound();
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, events.next(RecordingListener.Close.class).reason().kind());
        assertEquals(1, c.readFrames().size(), "one CLOSE frame");
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.connection().send("x").get());
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY,
                ((ConnectionClosedException) e.getCause()).reason().kind());
    }

    @Test
    void closingBeforeTheHandshakeEndsAtOnceWithoutCallbacks() {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events).build();
        c.connection().close();
        assertTrue(c.isFinished());
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, c.closeReason().kind());
        events.assertNoMore();
    }
}
