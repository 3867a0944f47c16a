package dev.vigil.attack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Vigil's wire format written from {@code docs/protocol.md} alone, byte by byte, so an attacker can send what a
 * well-behaved Vigil never would.
 */
final class AttackWire {
    static final byte DATA = 0;
    static final byte PING = 1;
    static final byte PONG = 2;
    static final byte CLOSE = 3;
    static final int HEADER = 5;

    private AttackWire() {
    }

    /** A HELLO with no options. */
    static byte[] hello() {
        return new byte[]{'V', 'I', 'G', 'L', 1, 0, 0, 0};
    }

    /** A HELLO announcing options (type 1 interval ms, 2 timeout ms, 3 minimum PING interval ms, 4 max frame). */
    static byte[] hello(long intervalMs, long timeoutMs, long minPingMs, long maxFrame) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * 6).put(new byte[]{'V', 'I', 'G', 'L', 1, 0}).putShort((short) 24);
        long[] values = {intervalMs, timeoutMs, minPingMs, maxFrame};
        for (int i = 0; i < 4; i++) {
            b.put((byte) (i + 1)).put((byte) 4).putInt((int) values[i]);
        }
        return b.array();
    }

    /** A frame header alone: what a peer sends before a payload it may never send. */
    static byte[] header(int declaredLength, byte type) {
        return ByteBuffer.allocate(HEADER).putInt(declaredLength).put(type).array();
    }

    static byte[] frame(byte type, byte[] payload) {
        return ByteBuffer.allocate(HEADER + payload.length).putInt(payload.length).put(type).put(payload).array();
    }

    static byte[] data(String text) {
        return frame(DATA, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] pong(long nonce) {
        return frame(PONG, ByteBuffer.allocate(8).putLong(nonce).array());
    }

    /** {@code count} copies of {@code frame} in one array, so a flooder writes thousands of frames per call. */
    static byte[] repeat(byte[] frame, int count) {
        byte[] out = new byte[frame.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(frame, 0, out, i * frame.length, frame.length);
        }
        return out;
    }
}
