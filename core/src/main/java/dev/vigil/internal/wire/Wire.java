package dev.vigil.internal.wire;

/**
 * The constants and byte helpers of Vigil's binary wire format; {@code docs/protocol.md} is its specification. All
 * integers are big-endian.
 *
 * <pre>
 * HELLO  = magic "VIGL" (4) | version u8 | flags u8 | options length u16 | options (TLV: type u8, length u8, value)
 * FRAME  = payload length u32 | type u8 | payload
 * </pre>
 */
public final class Wire {
    /** The first four bytes of a HELLO. */
    static final byte[] MAGIC = {'V', 'I', 'G', 'L'};
    /** The protocol version this side speaks. */
    public static final int VERSION = 1;
    /** Magic, version, flags and options length. */
    public static final int HELLO_FIXED = 8;
    /** A frame header: payload length u32 and type u8. */
    public static final int HEADER = 5;
    /** The most option bytes a HELLO may carry, so a handshake never makes us buffer more than this. */
    public static final int MAX_HELLO_OPTIONS = 1024;

    public static final byte DATA = 0;
    public static final byte PING = 1;
    public static final byte PONG = 2;
    public static final byte CLOSE = 3;
    /** The server's answer to a session request ({@code docs/protocol.md}, section 5). */
    public static final byte SESSION = 4;
    /** A session's cumulative ACK ({@code docs/protocol.md}, section 5). */
    public static final byte ACK = 5;

    /** PING and PONG carry an 8-byte nonce. */
    public static final int NONCE = 8;
    /** A CLOSE frame: code u16, then a UTF-8 reason of at most this many bytes. */
    public static final int MAX_CLOSE_TEXT = 1024;

    private Wire() {
    }

    public static int getInt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    public static long getLong(byte[] b, int i) {
        return (long) getInt(b, i) << 32 | (getInt(b, i + 4) & 0xffffffffL);
    }

    public static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    public static void putLong(byte[] b, int i, long v) {
        putInt(b, i, (int) (v >>> 32));
        putInt(b, i + 4, (int) v);
    }

    /** Quotes bytes for a log line or close reason, escaping what is not printable ASCII. */
    public static String printable(byte[] b, int off, int len) {
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
}
