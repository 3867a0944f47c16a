package dev.vigil.testing;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handshake, the order of frames on the wire, and the policing of the peer, on an embedded connection. */
class EmbeddedFramesTest {

    /** Answers every message with three replies, so that replies are queued while a read is being delivered. */
    private static final class ThreeReplies implements ConnectionListener<String> {
        private final RecordingListener<String> events = new RecordingListener<>();

        @Override
        public void onOpen(Connection<String> connection) {
            events.onOpen(connection);
        }

        @Override
        public void onMessage(Connection<String> connection, String message) {
            events.onMessage(connection, message);
            for (int i = 1; i <= 3; i++) {
                connection.send(message + " " + i);
            }
        }

        @Override
        public void onClose(Connection<String> connection, CloseReason reason) {
            events.onClose(connection, reason);
        }
    }

    private static EmbeddedConnection<String> open(ConnectionListener<String> listener) {
        return open(listener, BackpressurePolicy.BLOCK);
    }

    private static EmbeddedConnection<String> open(ConnectionListener<String> listener, BackpressurePolicy policy) {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), listener)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)).withJitter(0))
                .backpressure(policy).build();
        c.writeHello();
        return c;
    }

    @Test
    void theConnectionSendsItsHelloFirstAndOpensOnThePeersHello() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .minPeerPingInterval(Duration.ofMillis(250)).maxFrameSize(4096).build();
        assertEquals(ConnectionState.CONNECTING, c.state());
        Hello hello = c.readHello();
        assertEquals(1, hello.version());
        assertEquals(Duration.ofMillis(250), hello.minPingInterval());
        assertEquals(4096, hello.maxFrameSize());
        assertFalse(hello.refusing());
        events.assertNoMore();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        assertEquals(ConnectionState.ACTIVE, c.state());
    }

    @Test
    void aHelloArrivingOneByteAtATimeOpensTheConnectionOnItsLastByte() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events).build();
        byte[] hello = Hello.basic().encode();
        for (int i = 0; i < hello.length - 1; i++) {
            c.writeInbound(new byte[] {hello[i]});
        }
        events.assertNoMore();
        c.writeInbound(new byte[] {hello[hello.length - 1]});
        events.next(RecordingListener.Open.class);
    }

    @Test
    void aPeerThatSaysNoHelloIsCutAtTheHandshakeTimeoutWithoutAnyCallback() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .handshakeTimeout(Duration.ofSeconds(2)).build();
        c.advanceTimeBy(Duration.ofMillis(1999));
        assertEquals(ConnectionState.CONNECTING, c.state());
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(CloseReason.Kind.HANDSHAKE_TIMEOUT, c.closeReason().kind());
        assertTrue(c.isFinished() && c.isTransportClosed());
        ExecutionException e = assertThrows(ExecutionException.class, () -> c.connection().send("late").get());
        assertTrue(e.getCause() instanceof ConnectionClosedException, e.toString());
        events.assertNoMore();
    }

    @Test
    void aPeerSpeakingAnotherProtocolIsRefusedAtItsFirstWrongByteWithCode5() {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events).build();
        c.writeInbound("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        Frame close = c.readFrame();
        assertEquals(5, close.closeCode());
        assertTrue(close.closeText().startsWith("not a Vigil peer: it sent \"GET / HTTP/1.1"), close.closeText());
        assertEquals(CloseReason.Kind.PROTOCOL_ERROR, c.closeReason().kind());
        assertTrue(c.isFinished());
        events.assertNoMore();
    }

    @Test
    void aPeerThatRefusesUsEndsTheConnectionWithTheReasonItGives() {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events).build();
        byte[] hello = Hello.basic().refused().encode();
        byte[] close = Frame.close(CloseReason.Kind.REJECTED, "server full").encode();
        c.writeInbound(ByteBuffer.allocate(hello.length + close.length).put(hello).put(close).array());
        CloseReason reason = c.closeReason();
        assertEquals(CloseReason.Kind.REJECTED, reason.kind());
        assertEquals("server full", reason.message());
        assertTrue(reason.remote());
        assertTrue(c.isFinished());
        events.assertNoMore();
    }

    @Test
    void aPongGoesOutAheadOfTheRepliesQueuedBeforeItAndAllLeaveInOneWrite() throws Exception {
        ThreeReplies listener = new ThreeReplies();
        EmbeddedConnection<String> c = open(listener);
        listener.events.next(RecordingListener.Open.class);
        c.readFrames();
        c.writeFrame(Frame.data("hi"), Frame.ping(99));
        listener.events.nextMessage("hi");
        assertEquals(1, c.outboundWrites(), "every reply to one read leaves in one write");
        List<Frame> frames = c.readFrames();
        assertEquals(List.of(Frame.pong(99), Frame.data("hi 1"), Frame.data("hi 2"), Frame.data("hi 3")), frames,
                "the PONG goes ahead of data queued before it");
    }

    @Test
    void ourPingGoesOutAheadOfDataQueuedBeforeIt() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = open(events, BackpressurePolicy.FAIL);
        events.next(RecordingListener.Open.class);
        c.readFrames();
        c.advanceTimeBy(Duration.ofMillis(999));
        // Sent from another thread that may not wait (FAIL): queued for a writer, which runs when this thread next
        // drives the connection.
        Thread sender = Thread.ofPlatform().start(() -> {
            c.connection().send("queued 1");
            c.connection().send("queued 2");
        });
        sender.join();
        c.advanceTimeBy(Duration.ofMillis(1)); // the PING falls due, then the writer runs
        List<Frame> frames = c.readFrames();
        assertEquals(Frame.Type.PING, frames.get(0).type(), "the PING goes ahead of queued data: " + frames);
        assertEquals(List.of(Frame.data("queued 1"), Frame.data("queued 2")), frames.subList(1, 3));
    }

    @Test
    void theThirdEarlyPingClosesWithPolicyViolationAfterThePongsOwedToTheFirstOnes() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .heartbeat(HeartbeatPolicy.none()).minPeerPingInterval(Duration.ofSeconds(1)).maxPingStrikes(2)
                .build();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        c.readFrames();
        c.writeFrame(Frame.ping(1));
        for (int i = 2; i <= 3; i++) {
            c.advanceTimeBy(Duration.ofMillis(100));
            c.writeFrame(Frame.ping(i));
            assertEquals(ConnectionState.ACTIVE, c.state(), "strike " + (i - 1) + " is forgiven");
        }
        c.advanceTimeBy(Duration.ofMillis(100));
        c.writeFrame(Frame.ping(4));
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.POLICY_VIOLATION, reason.kind());
        assertTrue(reason.message().contains("3 strikes"), reason.message());
        List<Frame> frames = c.readFrames();
        assertEquals(List.of(Frame.pong(1), Frame.pong(2), Frame.pong(3)), frames.subList(0, 3));
        assertEquals(10, frames.get(3).closeCode(), "the CLOSE comes last, with code 10: " + frames);
        assertEquals(4, frames.size());
    }

    @Test
    void aWellSpacedPingClearsTheStrikes() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .heartbeat(HeartbeatPolicy.none()).minPeerPingInterval(Duration.ofSeconds(1)).maxPingStrikes(1)
                .build();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        for (int round = 0; round < 5; round++) {
            c.writeFrame(Frame.ping(round));
            c.advanceTimeBy(Duration.ofMillis(100));
            c.writeFrame(Frame.ping(round));
            c.advanceTimeBy(Duration.ofSeconds(1));
        }
        assertEquals(ConnectionState.ACTIVE, c.state(), "one early PING in each well-spaced pair is one strike");
        events.assertNoMore();
    }

    @Test
    void aFrameOverTheMaximumIsRefusedFromItsHeaderWithCode4() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events).maxFrameSize(1024)
                .build();
        c.writeHello();
        events.next(RecordingListener.Open.class);
        c.readFrames();
        c.writeInbound(new byte[] {0, 0, 4, 1, 0}); // a DATA header declaring 1025 bytes, none of them sent
        assertEquals(4, c.readFrame().closeCode());
        assertEquals(CloseReason.Kind.FRAME_TOO_LARGE, events.next(RecordingListener.Close.class).reason().kind());
    }

    @Test
    void aMessageOverThePeersMaximumFailsAloneAndTheConnectionStaysOpen() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events).build();
        c.writeHello(new Hello(1, false, Duration.ZERO, Duration.ZERO, Duration.ZERO, 100));
        events.next(RecordingListener.Open.class);
        c.readFrames();
        CompletableFuture<Void> big = c.connection().send("x".repeat(101));
        ExecutionException e = assertThrows(ExecutionException.class, big::get);
        assertTrue(e.getCause().getMessage().contains("exceeds the maximum frame size of 100"), e.toString());
        c.connection().send("x".repeat(100)).get();
        assertEquals(Frame.data("x".repeat(100)), c.readFrame());
        assertEquals(ConnectionState.ACTIVE, c.state());
    }

    @Test
    void aFrameTheCodecCannotDecodeClosesWithCode5AfterTheMessagesBeforeIt() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.readFrames();
        c.writeFrame(Frame.data("fine"), Frame.data(new byte[] {(byte) 0xff, (byte) 0xfe}), Frame.data("never"));
        events.nextMessage("fine");
        assertEquals(CloseReason.Kind.PROTOCOL_ERROR, events.next(RecordingListener.Close.class).reason().kind());
        assertEquals(5, c.readFrame().closeCode());
    }

    @Test
    void aListenerThatThrowsIsToldThroughOnErrorAndTheConnectionStaysOpen() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        ConnectionListener<String> throwing = new ConnectionListener<>() {
            @Override
            public void onMessage(Connection<String> connection, String message) {
                throw new IllegalStateException("boom: " + message);
            }

            @Override
            public void onError(Connection<String> connection, Throwable error) {
                events.onError(connection, error);
            }
        };
        EmbeddedConnection<String> c = open(throwing);
        c.writeFrame(Frame.data("one"), Frame.data("two"));
        assertEquals("boom: one", events.next(RecordingListener.Error.class).error().getMessage());
        assertEquals("boom: two", events.next(RecordingListener.Error.class).error().getMessage());
        assertEquals(ConnectionState.ACTIVE, c.state());
    }

    @Test
    void statsCountWhatCrossedTheWireBothWays() throws Exception {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = open(events);
        events.next(RecordingListener.Open.class);
        c.writeFrame(Frame.data("abc"));
        events.nextMessage("abc");
        c.connection().send("de").get();
        assertEquals(1, c.connection().stats().framesIn());
        assertEquals(1, c.connection().stats().framesOut());
        assertEquals(Hello.basic().encode().length + 5 + 3, c.connection().stats().bytesIn());
        assertEquals(c.readHello().encode().length + 5 + 2, c.connection().stats().bytesOut());
        assertNull(c.connection().closeReason());
    }
}
