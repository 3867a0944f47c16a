package dev.vigil.examples.echo;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.examples.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EchoExampleTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(20)
    void everyMessageComesBackAndHeartbeatsMeasureRttAndTheClientSaysWhyItsConnectionClosed() throws Exception {
        EchoExample.Result r = EchoExample.inProcess(3, "hi", Duration.ofMillis(300), EchoExample.POLICY, out);

        assertEquals(List.of("hi 1", "hi 2", "hi 3"), r.replies());
        assertEquals(3, r.roundTrips().size());
        assertTrue(r.heartbeat().samples() > 0, "the pauses are longer than the PING interval: " + r.heartbeat());
        assertTrue(r.heartbeat().smoothed().isPositive());
        assertTrue(r.complete());
        assertEquals(CloseReason.Kind.CLOSED_LOCALLY, r.closeReason().kind());
        assertTrue(printed().contains("client: connection closed: " + r.closeReason()), printed());
    }

    @Test
    @Timeout(20)
    void intervalAndTimeoutSetBothSidesHeartbeat() throws Exception {
        Options o = Options.parse(List.of("--count", "1", "--every", "10ms", "--interval", "40ms", "--timeout",
                "500ms"), EchoExample.SPECS);
        assertEquals(0, EchoExample.main(o, out), printed());
        assertTrue(printed().contains("got 'hello 1' back"), printed());
        assertThrows(IllegalArgumentException.class, () -> EchoExample.main(Options.parse(List.of("--interval", "2s",
                "--timeout", "1s"), EchoExample.SPECS), out), "a timeout not longer than the interval is refused");
    }

    @Test
    @Timeout(20)
    void aClientWhoseConnectionClosesBeforeEveryEchoSaysWhyAndExitsWithStatusOne() throws Exception {
        try (ConnectionManager<String> rude = ConnectionManager.builder(MessageCodec.utf8())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String message) {
                        c.close(); // a server that hangs up instead of answering
                    }
                }).build()) {
            InetSocketAddress address = rude.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            EchoExample.Result r = EchoExample.client(address, 3, "hi", Duration.ofMillis(10), EchoExample.POLICY,
                    out);
            assertFalse(r.complete());
            assertTrue(r.closeReason().remote(), r.closeReason().toString());
            assertTrue(printed().contains("client: connection closed before the echo of 'hi 1': " + r.closeReason()),
                    printed());

            Options o = Options.parse(List.of("client", "--port", Integer.toString(address.getPort()), "--every",
                    "10ms"), EchoExample.SPECS);
            assertEquals(1, EchoExample.main(o, out), printed());
        }
    }
}
