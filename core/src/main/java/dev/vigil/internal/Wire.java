package dev.vigil.internal;

import java.nio.charset.StandardCharsets;

/**
 * Vigil's binary wire format; {@code docs/protocol.md} is its specification. All integers are big-endian.
 *
 * <pre>
 * HELLO  = magic "VIGL" (4) | version u8 | flags u8 | options length u16 | options (TLV: type u8, length u8, value)
 * FRAME  = payload length u32 | type u8 | payload
 * </pre>
 */
final class Wire {
    static final byte[] MAGIC = {'V', 'I', 'G', 'L'};
    static final int VERSION = 1;
    static final int HELLO_FIXED = 8;
    static final int HEADER = 5;
    /** The most option bytes a HELLO may carry, so a handshake never makes us buffer more than this. */
    static final int MAX_HELLO_OPTIONS = 1024;

    static final byte DATA = 0;
    static final byte PING = 1;
    static final byte PONG = 2;
    static final byte CLOSE = 3;

    /** PING and PONG carry an 8-byte nonce. */
    static final int NONCE = 8;
    /** A CLOSE frame: code u16, then a UTF-8 reason of at most this many bytes. */
    static final int MAX_CLOSE_TEXT = 1024;

    /** HELLO flag: this side refuses the connection; a CLOSE frame with the reason follows. */
    static final int FLAG_REFUSING = 1;

    static final int OPT_INTERVAL_MS = 1;
    static final int OPT_TIMEOUT_MS = 2;
    static final int OPT_MIN_PING_MS = 3;
    static final int OPT_MAX_FRAME = 4;

    static final byte[] LINE_PING = "PING\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LINE_PONG = "PONG\n".getBytes(StandardCharsets.US_ASCII);

    private Wire() {
    }

    static int getInt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    static long getLong(byte[] b, int i) {
        return (long) getInt(b, i) << 32 | (getInt(b, i + 4) & 0xffffffffL);
    }

    static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    static void putLong(byte[] b, int i, long v) {
        putInt(b, i, (int) (v >>> 32));
        putInt(b, i + 4, (int) v);
    }

    /** What a peer announced in its HELLO; absent options are 0. */
    record Hello(int version, int flags, long intervalMs, long timeoutMs, long minPingMs, long maxFrame) {
        boolean refusing() {
            return (flags & FLAG_REFUSING) != 0;
        }
    }

    /** Encodes this side's HELLO. */
    static byte[] hello(long intervalMs, long timeoutMs, long minPingMs, int maxFrame, int flags) {
        int[] types = {OPT_INTERVAL_MS, OPT_TIMEOUT_MS, OPT_MIN_PING_MS, OPT_MAX_FRAME};
        long[] values = {intervalMs, timeoutMs, minPingMs, maxFrame};
        byte[] b = new byte[HELLO_FIXED + types.length * 6];
        System.arraycopy(MAGIC, 0, b, 0, 4);
        b[4] = VERSION;
        b[5] = (byte) flags;
        int opts = types.length * 6;
        b[6] = (byte) (opts >>> 8);
        b[7] = (byte) opts;
        int p = HELLO_FIXED;
        for (int i = 0; i < types.length; i++) {
            b[p] = (byte) types[i];
            b[p + 1] = 4;
            putInt(b, p + 2, (int) Math.min(values[i], 0xffffffffL));
            p += 6;
        }
        return b;
    }

    /**
     * Checks the first bytes a peer sent against the magic, before all four have arrived, so that a peer speaking
     * something else is refused at once.
     *
     * @return null if they match so far, else a description of what arrived
     */
    static String checkMagic(byte[] b, int off, int len) {
        int n = Math.min(len, 4);
        for (int i = 0; i < n; i++) {
            if (b[off + i] != MAGIC[i]) {
                return "not a Vigil peer: it sent " + printable(b, off, Math.min(len, 16))
                        + " where a HELLO starting with \"VIGL\" was expected";
            }
        }
        return null;
    }

    /** Parses the options of a complete HELLO whose fixed part starts at {@code off}. */
    static Hello parseHello(byte[] b, int off, int optLen) throws ProtocolException {
        int version = b[off + 4] & 0xff;
        int flags = b[off + 5] & 0xff;
        long interval = 0;
        long timeout = 0;
        long minPing = 0;
        long maxFrame = 0;
        int p = off + HELLO_FIXED;
        int end = p + optLen;
        while (p < end) {
            if (end - p < 2) {
                throw new ProtocolException("HELLO option truncated at byte " + (p - off));
            }
            int type = b[p] & 0xff;
            int len = b[p + 1] & 0xff;
            if (end - p - 2 < len) {
                throw new ProtocolException("HELLO option " + type + " declares " + len + " bytes, "
                        + (end - p - 2) + " left");
            }
            long value = len == 4 ? getInt(b, p + 2) & 0xffffffffL : 0;
            switch (type) {
                case OPT_INTERVAL_MS -> interval = value;
                case OPT_TIMEOUT_MS -> timeout = value;
                case OPT_MIN_PING_MS -> minPing = value;
                case OPT_MAX_FRAME -> maxFrame = value;
                default -> {
                    // Unknown options are skipped: a newer peer may announce more than we know.
                }
            }
            p += 2 + len;
        }
        return new Hello(version, flags, interval, timeout, minPing, maxFrame);
    }

    /** Encodes a CLOSE frame on its own, for refusing a connection that never gets a writer. */
    static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(text.length, MAX_CLOSE_TEXT);
        byte[] b = new byte[HEADER + 2 + len];
        putInt(b, 0, 2 + len);
        b[4] = CLOSE;
        b[5] = (byte) (code >>> 8);
        b[6] = (byte) code;
        System.arraycopy(text, 0, b, HEADER + 2, len);
        return b;
    }

    static String printable(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append('"').toString();
    }

    /** A peer broke the wire format. */
    static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message, null, false, false);
        }
    }
}
