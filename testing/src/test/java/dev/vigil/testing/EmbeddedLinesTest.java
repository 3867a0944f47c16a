package dev.vigil.testing;

import dev.vigil.CloseReason;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The line framing on an embedded connection: PING and PONG lines, the first-line timeout, the PING limit. */
class EmbeddedLinesTest {
    private final RecordingListener<String> events = new RecordingListener<>();

    private EmbeddedConnection<String> server() {
        return EmbeddedConnection.builder(MessageCodec.lines(), events)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)).withJitter(0))
                .handshakeTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void aLineConnectionOpensAtOnceAndEchoesLines() throws Exception {
        EmbeddedConnection<String> c = server();
        events.next(RecordingListener.Open.class);
        c.writeLine("hello\r");
        events.nextMessage("hello");
        c.connection().send("world").get();
        assertEquals("world", c.readLine());
    }

    @Test
    void aPingLineIsAnsweredWithAPongLineAndNeverDelivered() throws Exception {
        EmbeddedConnection<String> c = server();
        events.next(RecordingListener.Open.class);
        c.writeLine("PING");
        assertEquals("PONG", c.readLine());
        events.assertNoMore();
    }

    @Test
    void afterAnIntervalOfSilenceAPingLineGoesOutAndItsPongIsAnRttSample() throws Exception {
        EmbeddedConnection<String> c = server();
        events.next(RecordingListener.Open.class);
        c.writeLine("first");
        events.nextMessage("first");
        c.advanceTimeBy(Duration.ofMillis(999));
        assertNull(c.readLine());
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals("PING", c.readLine());
        c.advanceTimeBy(Duration.ofMillis(7));
        c.writeLine("PONG");
        assertEquals(Duration.ofMillis(7), c.connection().rtt().last());
    }

    private EmbeddedConnection<String> quietServer() {
        return EmbeddedConnection.builder(MessageCodec.lines(), events).heartbeat(HeartbeatPolicy.none())
                .handshakeTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void aServerCutsALinePeerThatSendsNoCompleteLineWithinTheHandshakeTimeout() throws Exception {
        EmbeddedConnection<String> c = quietServer();
        events.next(RecordingListener.Open.class);
        c.writeInbound("no newline yet".getBytes(StandardCharsets.UTF_8));
        c.advanceTimeBy(Duration.ofMillis(1999));
        assertEquals(ConnectionState.ACTIVE, c.state());
        c.advanceTimeBy(Duration.ofMillis(1));
        assertEquals(CloseReason.Kind.HANDSHAKE_TIMEOUT, events.next(RecordingListener.Close.class).reason().kind());
        assertNull(c.readLine(), "line framing has no CLOSE line");
        assertTrue(c.isTransportClosed());
    }

    @Test
    void aCompleteFirstLineEndsTheFirstLineTimeout() throws Exception {
        EmbeddedConnection<String> c = quietServer();
        events.next(RecordingListener.Open.class);
        c.writeLine("PING");
        c.readLine();
        c.advanceTimeBy(Duration.ofMinutes(1));
        assertEquals(ConnectionState.ACTIVE, c.state(), "a PING line counts as the first line");
    }

    @Test
    void aClientLineConnectionDoesNotWaitForAFirstLine() throws Exception {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.lines(), events)
                .heartbeat(HeartbeatPolicy.none()).handshakeTimeout(Duration.ofSeconds(2)).client(true).build();
        events.next(RecordingListener.Open.class);
        c.advanceTimeBy(Duration.ofMinutes(1));
        assertEquals(ConnectionState.ACTIVE, c.state());
    }

    @Test
    void aLinePeerPingingFasterThanTheMinimumIsClosedWithPolicyViolation() throws Exception {
        EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.lines(), events)
                .heartbeat(HeartbeatPolicy.none()).minPeerPingInterval(Duration.ofMillis(500)).maxPingStrikes(2)
                .build();
        events.next(RecordingListener.Open.class);
        c.writeInbound("PING\nPING\nPING\nPING\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(CloseReason.Kind.POLICY_VIOLATION, events.next(RecordingListener.Close.class).reason().kind());
        assertEquals("PONG", c.readLine());
        assertEquals("PONG", c.readLine());
        assertEquals("PONG", c.readLine());
        String last = c.readLine();
        assertTrue(last != null && last.startsWith("CLOSE 10 peer pings every "), "no fourth PONG; the CLOSE line: "
                + last);
        assertNull(c.readLine(), "nothing after the CLOSE line");
    }
}
