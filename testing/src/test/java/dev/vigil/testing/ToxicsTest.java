package dev.vigil.testing;

import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames come through byte-identical, in order, under every toxic that does not cut the stream. */
class ToxicsTest {

    enum Toxic {
        LATENCY_WITH_JITTER, BANDWIDTH_LIMIT, ONE_BYTE_AT_A_TIME
    }

    @ParameterizedTest
    @EnumSource(Toxic.class)
    @Timeout(60)
    void messagesArriveIdenticalAndInOrderThroughTheToxic(Toxic toxic) throws Exception {
        RecordingListener<byte[]> received = new RecordingListener<>();
        try (ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofSeconds(10)))
                .listener(received).build();
             ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                     .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofSeconds(10))).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            try (FaultProxy proxy = FaultProxy.start(address, 99)) {
                switch (toxic) {
                    case LATENCY_WITH_JITTER -> proxy.latency(FaultProxy.Direction.BOTH, Duration.ofMillis(2),
                            Duration.ofMillis(8));
                    case BANDWIDTH_LIMIT -> proxy.bandwidth(FaultProxy.Direction.BOTH, 256 * 1024);
                    case ONE_BYTE_AT_A_TIME -> proxy.sliceBytes(FaultProxy.Direction.BOTH);
                }
                Connection<byte[]> c = client.connect(proxy.address());
                received.next(RecordingListener.Open.class);
                Random random = new Random(toxic.ordinal());
                List<byte[]> sent = new ArrayList<>();
                int total = toxic == Toxic.ONE_BYTE_AT_A_TIME ? 100 : 300;
                for (int i = 0; i < total; i++) {
                    byte[] message = new byte[random.nextInt(toxic == Toxic.ONE_BYTE_AT_A_TIME ? 64 : 2048)];
                    random.nextBytes(message);
                    sent.add(message);
                    c.send(message);
                }
                for (int i = 0; i < total; i++) {
                    byte[] got = (byte[]) received.await(RecordingListener.Message.class, Duration.ofSeconds(30))
                            .message();
                    assertArrayEquals(sent.get(i), got, "message " + i + " under " + toxic);
                }
                assertTrue(c.state().isOpen(), "the connection survived the toxic");
            }
        }
    }
}
