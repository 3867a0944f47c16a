package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.MessageCodec;
import dev.vigil.SessionListener;
import dev.vigil.SessionPolicy;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile bytes in the session's HELLO options and frames, from a raw socket: each is a protocol error with a reason
 * that names what was wrong, nothing is delivered twice, and the server carries on serving everyone else.
 */
final class SessionWireFuzzTest {
    private static final byte SESSION = 4;
    private static final byte ACK = 5;

    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private ConnectionManager<String> server;
    private InetSocketAddress address;

    @BeforeEach
    void startServer() throws IOException {
        server = ConnectionManager.builder(MessageCodec.utf8()).sessions(SessionPolicy.defaults())
                .listener(new SessionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String m) {
                        delivered.add(m);
                    }
                }).build();
        address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.shutdown(Duration.ofSeconds(2));
    }

    @Test
    @Timeout(20)
    void malformedSessionRequestsAreProtocolErrorsThatNameTheField() throws IOException {
        assertClosedWith(hello(option(6, new byte[]{1, 0, 0})), "session request");
        assertClosedWith(hello(option(6, new byte[]{0, 0})), "version 0");
        assertClosedWith(hello(option(6, new byte[]{1, 0}), option(6, new byte[]{1, 0})), "option 6 twice");
        byte[] resume = resume(new java.util.UUID(1, 2), 7, 0, 0);
        resume[1] = 3 | 4; // a reserved flag bit
        assertClosedWith(hello(option(6, resume)), "flag");
    }

    @Test
    @Timeout(20)
    void resumeCountsBeyondWhatWasSentAreProtocolErrors() throws IOException {
        Raw raw = Raw.connect(address, hello(option(6, new byte[]{1, 0})));
        byte[] answer = raw.frame(SESSION);
        ByteBuffer b = ByteBuffer.wrap(answer);
        b.position(3);
        java.util.UUID id = new java.util.UUID(b.getLong(), b.getLong());
        long epoch = b.getLong();
        raw.close();
        // The server sent nothing in that session: a client claiming to have delivered 5 of its frames lies.
        assertClosedWith(hello(option(6, resume(id, epoch, 5, 0))), "");
    }

    @Test
    @Timeout(20)
    void ackFramesThatConfirmFramesNeverSentOrAreMalformedAreProtocolErrors() throws IOException {
        assertClosedAfterSession(frame(ACK, ByteBuffer.allocate(8).putLong(3).array()), "never sent");
        assertClosedAfterSession(frame(ACK, new byte[7]), "ACK frame has 7 bytes");
        assertClosedAfterSession(frame(ACK, ByteBuffer.allocate(8).putLong(-1).array()), "2^63");
        assertClosedAfterSession(frame(SESSION, new byte[43]), "SESSION frame from a client");
    }

    @Test
    @Timeout(60)
    void randomSessionFramesNeverDeliverTwiceAndNeverTakeTheServerDown() throws IOException {
        Random random = new Random(5);
        for (int i = 0; i < 100; i++) {
            byte type = random.nextBoolean() ? SESSION : ACK;
            byte[] payload = new byte[random.nextInt(3) == 0 ? random.nextInt(60) : type == ACK ? 8 : 43];
            random.nextBytes(payload);
            Raw raw = Raw.connect(address, hello(option(6, new byte[]{1, 0})));
            raw.frame(SESSION);
            raw.send(frame((byte) 0, "d".getBytes(StandardCharsets.UTF_8)));
            raw.send(frame(type, payload));
            String close = raw.closeText();
            assertTrue(close.startsWith("5 ") || close.startsWith("4 "), "ended by a protocol error: " + close);
            raw.close();
        }
        assertEquals(100, delivered.size(), "each DATA frame delivered once");
        Raw healthy = Raw.connect(address, hello(option(6, new byte[]{1, 0})));
        assertEquals(43, healthy.frame(SESSION).length, "the server still serves");
        healthy.close();
    }

    private void assertClosedAfterSession(byte[] frame, String expected) throws IOException {
        Raw raw = Raw.connect(address, hello(option(6, new byte[]{1, 0})));
        raw.frame(SESSION);
        raw.send(frame);
        String close = raw.closeText();
        raw.close();
        assertTrue(close.startsWith("5 ") && close.contains(expected), close);
    }

    private void assertClosedWith(byte[] hello, String expected) throws IOException {
        Raw raw = Raw.connect(address, hello);
        String close = raw.closeText();
        raw.close();
        assertTrue(close.startsWith("5 ") && close.contains(expected), close);
        assertEquals(List.of(), delivered);
    }

    static byte[] resume(java.util.UUID id, long epoch, long delivered, long sent) {
        return ByteBuffer.allocate(42).put((byte) 1).put((byte) 1).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).putLong(epoch).putLong(delivered).putLong(sent).array();
    }

    static byte[] option(int type, byte[] value) {
        byte[] b = new byte[2 + value.length];
        b[0] = (byte) type;
        b[1] = (byte) value.length;
        System.arraycopy(value, 0, b, 2, value.length);
        return b;
    }

    static byte[] hello(byte[]... options) {
        ByteArrayOutputStream opts = new ByteArrayOutputStream();
        for (byte[] o : options) {
            opts.writeBytes(o);
        }
        byte[] o = opts.toByteArray();
        return ByteBuffer.allocate(8 + o.length).put("VIGL".getBytes(StandardCharsets.US_ASCII)).put((byte) 1)
                .put((byte) 0).putShort((short) o.length).put(o).array();
    }

    static byte[] frame(byte type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(payload.length).put(type).put(payload).array();
    }

    /** A peer that speaks bytes: reads the server's HELLO, then frames. */
    private static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;

        private Raw(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
        }

        static Raw connect(InetSocketAddress address, byte[] hello) throws IOException {
            Socket s = new Socket();
            s.connect(address, 5_000);
            s.setSoTimeout(10_000);
            Raw raw = new Raw(s);
            raw.send(hello);
            byte[] head = new byte[8];
            raw.in.readFully(head);
            raw.in.readFully(new byte[(head[6] & 0xff) << 8 | head[7] & 0xff]);
            return raw;
        }

        void send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        /** {@return the payload of the next frame, which must be of this type (PINGs and ACKs skipped)} */
        byte[] frame(byte type) throws IOException {
            while (true) {
                int len = in.readInt();
                byte t = in.readByte();
                byte[] p = new byte[len];
                in.readFully(p);
                if (t == type) {
                    return p;
                }
                if (t != 1 && t != ACK) {
                    throw new AssertionError("expected frame type " + type + ", got " + t);
                }
            }
        }

        /** {@return the CLOSE frame as "code text"} */
        String closeText() throws IOException {
            try {
                byte[] p = frame((byte) 3);
                int code = (p[0] & 0xff) << 8 | p[1] & 0xff;
                return code + " " + new String(p, 2, p.length - 2, StandardCharsets.UTF_8);
            } catch (EOFException e) {
                return "EOF without a CLOSE frame";
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
