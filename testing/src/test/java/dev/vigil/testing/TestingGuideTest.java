package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionState;
import dev.vigil.Delivery;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.SessionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples of {@code docs/testing.md}, compiled and run: if this changes, change the document. */
class TestingGuideTest {

    /** The listener under test: answers {@code ping} with {@code pong} and closes on {@code bye}. */
    static final class Greeter implements ConnectionListener<String> {
        @Override
        public void onMessage(Connection<String> connection, String message) {
            switch (message) {
                case "ping" -> connection.send("pong");
                case "bye" -> connection.close();
                default -> connection.send("unknown: " + message);
            }
        }
    }

    // --- docs/testing.md, "Testing a listener" ---
    @Test
    void theGreeterAnswersAndCloses() {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), new Greeter()).build();
        c.writeHello();                                   // the peer's HELLO: the connection opens

        c.writeFrame(Frame.data("ping"));                 // the peer sends a message...
        assertEquals(Frame.data("pong"), c.readFrame());  // ...and reads the answer

        c.writeFrame(Frame.data("bye"));
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, c.readFrame().closeKind());
        assertEquals(ConnectionState.CLOSING, c.state()); // waiting for the peer's answer
    }

    // --- docs/testing.md, "Testing a heartbeat policy" ---
    @Test
    void aSilentPeerIsDeclaredDeadAfterThreeSeconds() throws InterruptedException {
        RecordingListener<String> events = new RecordingListener<>();
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)).withJitter(0))
                .build();
        c.writeHello();
        events.next(RecordingListener.Open.class);

        c.advanceTimeBy(Duration.ofSeconds(1));
        assertEquals(Frame.Type.PING, c.readFrame().type());  // a PING after 1 s of silence
        c.advanceTimeBy(Duration.ofSeconds(1));
        assertEquals(ConnectionState.SUSPECT, events.next(RecordingListener.StateChange.class).to());
        c.advanceTimeBy(Duration.ofSeconds(1));
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, reason.kind());
        events.assertNoMore();
    }

    // --- docs/testing.md, "Testing a session listener" ---
    @Test
    void theAnswerCarriesTheCountAndThePeersAckConfirmsDelivery() throws Exception {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), new Greeter())
                .sessions(SessionPolicy.defaults())
                .build();
        c.writeInbound(SessionFrames.helloAskingForSession(Hello.basic()));
        assertEquals(SessionFrames.Outcome.STARTED, SessionFrames.answer(c.readFrame()).outcome());

        c.writeFrame(Frame.data("ping"));                  // delivered: the greeter answers
        List<Frame> out = c.readFrames();
        assertEquals(1, out.get(0).ackCount());            // the count rides ahead of the answer
        assertEquals("pong", out.get(1).text());

        Delivery d = c.connection().sendConfirmed("news");
        assertEquals("news", c.readFrame().text());
        assertFalse(d.delivered().isDone());               // written, not yet confirmed
        c.writeFrame(Frame.ack(2));                        // the peer delivered "pong" and "news"
        assertTrue(d.delivered().isDone());
    }

    // --- docs/testing.md, "Over real sockets: FaultProxy" ---
    @Test
    @Timeout(30)
    void aPowerLossIsDetectedByTheHeartbeat() throws Exception {
        RecordingListener<String> server = new RecordingListener<>();
        try (ConnectionManager<String> monitor = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(100), Duration.ofMillis(300)))
                     .listener(server).build();
             ConnectionManager<String> device = ConnectionManager.builder(MessageCodec.utf8())
                     .heartbeat(HeartbeatPolicy.none()).build()) {
            InetSocketAddress address = monitor.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (FaultProxy network = FaultProxy.start(address)) {
                device.connect(network.address());
                server.next(RecordingListener.Open.class);

                network.blackhole(FaultProxy.Direction.BOTH);   // power loss: no FIN, no RST, nothing
                assertEquals(ConnectionState.SUSPECT, server.next(RecordingListener.StateChange.class).to());
                CloseReason reason = server.next(RecordingListener.Close.class).reason();
                assertEquals(CloseReason.Kind.HEARTBEAT_TIMEOUT, reason.kind());
            }
        }
    }
}
