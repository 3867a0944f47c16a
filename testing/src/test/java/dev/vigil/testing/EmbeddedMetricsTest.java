package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionStats;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@link MetricsObserver#sent} and {@link ConnectionStats} count, on the fake clock: every frame written,
 * control frames (PING, PONG, CLOSE) included, as their Javadoc says.
 */
class EmbeddedMetricsTest {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /** A PING or PONG on the wire: 4 bytes of length, 1 of type, an 8-byte nonce. */
    private static final int CONTROL_FRAME = 13;

    private record Sent(int frames, int bytes) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final RecordingListener<String> events = new RecordingListener<>();
    private final EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
            .heartbeat(HeartbeatPolicy.fixed(INTERVAL, Duration.ofSeconds(3)).withJitter(0))
            .metrics(new MetricsObserver() {
                @Override
                public void sent(Connection<?> connection, int frames, int bytes) {
                    sent.add(new Sent(frames, bytes));
                }
            }).build();

    @Test
    void pingsPongsAndTheCloseFrameAreCountedAsSentFrames() throws Exception {
        c.writeHello();
        events.next(RecordingListener.Open.class);
        c.readFrames();
        sent.clear(); // the HELLO is bytes, not a frame

        c.advanceTimeBy(INTERVAL);
        assertEquals(Frame.Type.PING, c.readFrame().type());
        assertEquals(List.of(new Sent(1, CONTROL_FRAME)), sent, "our PING");

        c.writeFrame(Frame.ping(7));
        assertEquals(Frame.pong(7), c.readFrame());
        assertEquals(new Sent(1, CONTROL_FRAME), sent.getLast(), "the PONG we owed");

        c.connection().close();
        assertEquals(Frame.Type.CLOSE, c.readFrame().type());
        assertEquals(1, sent.getLast().frames(), "the CLOSE frame");

        ConnectionStats stats = c.connection().stats();
        assertEquals(sent.size(), stats.framesOut(), "framesOut counts the same frames: " + sent);
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, c.connection().closeReason().kind());
    }
}
