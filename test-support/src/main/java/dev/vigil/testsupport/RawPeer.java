package dev.vigil.testsupport;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written peer that speaks Vigil's wire format from docs/protocol.md byte by byte, so tests can send what a
 * well-behaved Vigil never would.
 */
public final class RawPeer implements AutoCloseable {
    public static final byte DATA = 0;
    public static final byte PING = 1;
    public static final byte PONG = 2;
    public static final byte CLOSE = 3;

    public record Frame(byte type, byte[] payload) {
        public int closeCode() {
            return (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
        }

        public String closeText() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        public long nonce() {
            return ByteBuffer.wrap(payload).getLong();
        }
    }

    public final Socket socket;
    public final DataInputStream in;
    public final OutputStream out;

    public RawPeer(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A HELLO with no options: version 1. */
    public static byte[] hello() {
        return new byte[]{'V', 'I', 'G', 'L', 1, 0, 0, 0};
    }

    public static byte[] frame(byte type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(payload.length).put(type).put(payload).array();
    }

    public static byte[] ping(long nonce) {
        return frame(PING, ByteBuffer.allocate(8).putLong(nonce).array());
    }

    public static byte[] pong(long nonce) {
        return frame(PONG, ByteBuffer.allocate(8).putLong(nonce).array());
    }

    public RawPeer handshake() throws IOException {
        out.write(hello());
        out.flush();
        readHello();
        return this;
    }

    /** Reads the server's HELLO and checks its magic and version. */
    public void readHello() throws IOException {
        byte[] fixed = new byte[8];
        in.readFully(fixed);
        if (fixed[0] != 'V' || fixed[1] != 'I' || fixed[2] != 'G' || fixed[3] != 'L' || fixed[4] != 1) {
            throw new IOException("not a HELLO: " + java.util.Arrays.toString(fixed));
        }
        in.readFully(new byte[(fixed[6] & 0xff) << 8 | (fixed[7] & 0xff)]);
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public Frame read() throws IOException {
        int len = in.readInt();
        byte type = in.readByte();
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame(type, payload);
    }

    /** Reads frames until a CLOSE, answering nothing. */
    public Frame readUntilClose() throws IOException {
        while (true) {
            Frame f = read();
            if (f.type() == CLOSE) {
                return f;
            }
        }
    }

    /** Whether the peer closes its side: reads (skipping whatever still arrives) until end of stream or a reset. */
    public boolean sawEndOfStream() throws IOException {
        try {
            while (in.read() >= 0) {
                // skip: a PING or CLOSE may come before the end
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
