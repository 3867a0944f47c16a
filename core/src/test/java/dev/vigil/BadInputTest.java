package dev.vigil;

import dev.vigil.testsupport.Loopback;
import dev.vigil.testsupport.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames split and packed every way, and input that is not Vigil's protocol, over real sockets. */
@Timeout(30)
class BadInputTest {
    private final RecordingListener<byte[]> events = new RecordingListener<>();
    private ConnectionManager<byte[]> server;
    private InetSocketAddress address;

    @BeforeEach
    void startServer() throws Exception {
        server = ConnectionManager.builder(MessageCodec.bytes())
                .maxFrameSize(1024)
                .listener(events)
                .build();
        address = server.bind(Loopback.anyPort());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void aFrameArrivingOneByteAtATimeIsDeliveredWhole() throws Exception {
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            byte[] frame = RawPeer.frame(RawPeer.DATA, "one byte at a time".getBytes(StandardCharsets.UTF_8));
            for (byte b : frame) {
                peer.send(new byte[]{b});
            }
            byte[] got = (byte[]) events.next(RecordingListener.Message.class).message();
            assertEquals("one byte at a time", new String(got, StandardCharsets.UTF_8));
        }
        events.next(RecordingListener.Close.class);
        events.assertNoMore();
    }

    @Test
    void aHundredFramesInOneWriteAreAllDeliveredInOrder() throws Exception {
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 100; i++) {
                all.write(RawPeer.frame(RawPeer.DATA, ByteBuffer.allocate(4).putInt(i).array()));
            }
            peer.send(all.toByteArray());
            for (int i = 0; i < 100; i++) {
                byte[] got = (byte[]) events.next(RecordingListener.Message.class).message();
                assertArrayEquals(ByteBuffer.allocate(4).putInt(i).array(), got);
            }
        }
        events.next(RecordingListener.Close.class);
        events.assertNoMore();
    }

    @Test
    void anOversizedLengthPrefixClosesWithFrameTooLargeAndTheServerServesOthers() throws Exception {
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            // Declares 2 GiB: the server must refuse it from the header, without allocating it.
            peer.send(new byte[]{0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, RawPeer.DATA, 1, 2, 3});
            CloseReason reason = events.next(RecordingListener.Close.class).reason();
            assertEquals(CloseReason.Kind.FRAME_TOO_LARGE, reason.kind());
            assertTrue(reason.message().contains("2147483647"), reason.message());
            RawPeer.Frame close = peer.readUntilClose();
            assertEquals(CloseReason.Kind.FRAME_TOO_LARGE.code(), close.closeCode());
            assertTrue(peer.sawEndOfStream());
        }
        assertStillServes();
    }

    @Test
    void anUnknownFrameTypeClosesWithProtocolErrorAndTheServerServesOthers() throws Exception {
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            peer.send(RawPeer.frame((byte) 0x7e, new byte[]{9, 9, 9}));
            CloseReason reason = events.next(RecordingListener.Close.class).reason();
            assertEquals(CloseReason.Kind.PROTOCOL_ERROR, reason.kind());
            assertTrue(reason.message().contains("unknown type 0x7e"), reason.message());
            assertEquals(CloseReason.Kind.PROTOCOL_ERROR.code(), peer.readUntilClose().closeCode());
        }
        assertStillServes();
    }

    @Test
    void garbageInsteadOfAHelloIsRefusedAtOnceWithAClearReason() throws Exception {
        try (RawPeer peer = new RawPeer(address)) {
            peer.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            peer.readHello();
            RawPeer.Frame close = peer.read();
            assertEquals(RawPeer.CLOSE, close.type());
            assertEquals(CloseReason.Kind.PROTOCOL_ERROR.code(), close.closeCode());
            assertTrue(close.closeText().contains("not a Vigil peer"), close.closeText());
            assertTrue(close.closeText().contains("GET /"), close.closeText());
            assertTrue(peer.sawEndOfStream());
        }
        // The connection never opened, so the listener hears nothing of it.
        assertStillServes();
    }

    @Test
    void aWrongPingLengthIsAProtocolError() throws Exception {
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            peer.send(RawPeer.frame(RawPeer.PING, new byte[3]));
            assertEquals(CloseReason.Kind.PROTOCOL_ERROR, events.next(RecordingListener.Close.class).reason().kind());
        }
    }

    @Test
    void aPeerThatClosesWithoutACloseFrameIsReportedAsClosedByPeer() throws Exception {
        try (RawPeer peer = new RawPeer(address).handshake()) {
            events.next(RecordingListener.Open.class);
            peer.send(RawPeer.frame(RawPeer.DATA, new byte[]{42}));
        }
        assertArrayEquals(new byte[]{42}, (byte[]) events.next(RecordingListener.Message.class).message());
        CloseReason reason = events.next(RecordingListener.Close.class).reason();
        assertTrue(reason.kind() == CloseReason.Kind.CLOSED_BY_PEER || reason.kind() == CloseReason.Kind.RESET,
                reason.toString());
        events.assertNoMore();
    }

    @Test
    void aPeerThatNeverSendsItsHelloIsClosedAtTheHandshakeTimeout() throws Exception {
        try (ConnectionManager<byte[]> strict = ConnectionManager.builder(MessageCodec.bytes())
                .handshakeTimeout(Duration.ofMillis(200)).build()) {
            InetSocketAddress strictAddress = strict.bind(Loopback.anyPort());
            try (RawPeer peer = new RawPeer(strictAddress)) {
                peer.readHello();
                assertTrue(peer.sawEndOfStream(), "closed after the handshake timeout");
            }
        }
    }

    /** A well-behaved client still gets its messages through. */
    private void assertStillServes() throws Exception {
        RecordingListener<byte[]> clientEvents = new RecordingListener<>();
        try (ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                .listener(clientEvents).build()) {
            Connection<byte[]> c = client.connect(address);
            c.send(new byte[]{7}).get();
            events.next(RecordingListener.Open.class);
            assertArrayEquals(new byte[]{7}, (byte[]) events.next(RecordingListener.Message.class).message());
        }
    }
}
