package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;
import org.jetbrains.annotations.Nullable;

import java.util.Arrays;

/**
 * The HELLO that opens a binary connection: what the peer announced, and the codec for it. Options a receiver does
 * not know are skipped, and so are the peer's interval and timeout: each side runs its own policy, so they are
 * information for people and tools, never read here ({@code docs/protocol.md}, "Negotiation").
 *
 * @param version   the highest protocol version the peer speaks
 * @param flags     the flags byte; only {@link #FLAG_REFUSING} means anything, other bits are ignored
 * @param minPingMs the shortest PING interval the peer accepts; 0 when absent (no limit)
 * @param maxFrame  the largest frame payload the peer accepts; 0 when absent (it accepts what we do)
 * @param sessionOffer   the raw value of option 5 (the server keeps sessions), or null when absent
 * @param sessionRequest the raw value of option 6 (the client asks for a session), or null when absent
 */
public record Hello(int version, int flags, long minPingMs, long maxFrame, byte @Nullable [] sessionOffer,
                    byte @Nullable [] sessionRequest) {
    /** HELLO flag: this side refuses the connection; a CLOSE frame with the reason follows. */
    public static final int FLAG_REFUSING = 1;

    static final int OPT_INTERVAL_MS = 1;
    static final int OPT_TIMEOUT_MS = 2;
    static final int OPT_MIN_PING_MS = 3;
    static final int OPT_MAX_FRAME = 4;
    static final int OPT_SESSION_OFFER = 5;
    static final int OPT_SESSION_REQUEST = 6;

    /** A HELLO without session options. */
    public Hello(int version, int flags, long minPingMs, long maxFrame) {
        this(version, flags, minPingMs, maxFrame, null, null);
    }

    /** Whether the peer refuses the connection. */
    public boolean refusing() {
        return (flags & FLAG_REFUSING) != 0;
    }

    /** Encodes this side's HELLO; every option is sent, each a u32. */
    public static byte[] encode(long intervalMs, long timeoutMs, long minPingMs, int maxFrame, int flags) {
        int[] types = {OPT_INTERVAL_MS, OPT_TIMEOUT_MS, OPT_MIN_PING_MS, OPT_MAX_FRAME};
        long[] values = {intervalMs, timeoutMs, minPingMs, maxFrame};
        byte[] b = new byte[Wire.HELLO_FIXED + types.length * 6];
        System.arraycopy(Wire.MAGIC, 0, b, 0, 4);
        b[4] = Wire.VERSION;
        b[5] = (byte) flags;
        int opts = types.length * 6;
        b[6] = (byte) (opts >>> 8);
        b[7] = (byte) opts;
        int p = Wire.HELLO_FIXED;
        for (int i = 0; i < types.length; i++) {
            b[p] = (byte) types[i];
            b[p + 1] = 4;
            Wire.putInt(b, p + 2, (int) Math.min(values[i], 0xffffffffL));
            p += 6;
        }
        return b;
    }

    /**
     * {@return {@code hello} with one more option appended} Used for the session options, which only some HELLOs carry.
     *
     * @param hello  an encoded HELLO
     * @param option the option as it goes into a HELLO: type, length, value
     */
    public static byte[] withOption(byte[] hello, byte[] option) {
        byte[] b = Arrays.copyOf(hello, hello.length + option.length);
        System.arraycopy(option, 0, b, hello.length, option.length);
        int opts = b.length - Wire.HELLO_FIXED;
        b[6] = (byte) (opts >>> 8);
        b[7] = (byte) opts;
        return b;
    }

    /**
     * Takes the peer's HELLO from the front of {@code in}. The magic is checked byte by byte as it arrives, so a peer
     * speaking something else is refused after its first wrong byte.
     *
     * @return the HELLO, or null if it has not all arrived (the buffer then has room for it)
     * @throws Fatal with {@code PROTOCOL_ERROR} if the bytes are not a valid HELLO
     */
    public static @Nullable Hello decode(InboundBuffer in) throws Fatal {
        int avail = in.limit - in.pos;
        byte[] b = in.buf;
        int n = Math.min(avail, 4);
        for (int i = 0; i < n; i++) {
            if (b[in.pos + i] != Wire.MAGIC[i]) {
                throw new Fatal(Kind.PROTOCOL_ERROR, "not a Vigil peer: it sent "
                        + Wire.printable(b, in.pos, Math.min(avail, 16))
                        + " where a HELLO starting with \"VIGL\" was expected");
            }
        }
        if (avail < Wire.HELLO_FIXED) {
            return null;
        }
        int optLen = (b[in.pos + 6] & 0xff) << 8 | (b[in.pos + 7] & 0xff);
        if (optLen > Wire.MAX_HELLO_OPTIONS) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "HELLO declares " + optLen + " bytes of options (at most "
                    + Wire.MAX_HELLO_OPTIONS + ")");
        }
        int total = Wire.HELLO_FIXED + optLen;
        if (avail < total) {
            in.makeRoom(total);
            return null;
        }
        Hello hello = parse(b, in.pos, optLen);
        in.pos += total;
        return hello;
    }

    private static Hello parse(byte[] b, int off, int optLen) throws Fatal {
        int version = b[off + 4] & 0xff;
        int flags = b[off + 5] & 0xff;
        long minPing = 0;
        long maxFrame = 0;
        byte[] offer = null;
        byte[] request = null;
        int p = off + Wire.HELLO_FIXED;
        int end = p + optLen;
        while (p < end) {
            if (end - p < 2) {
                throw new Fatal(Kind.PROTOCOL_ERROR, "HELLO option truncated at byte " + (p - off));
            }
            int type = b[p] & 0xff;
            int len = b[p + 1] & 0xff;
            if (end - p - 2 < len) {
                throw new Fatal(Kind.PROTOCOL_ERROR, "HELLO option " + type + " declares " + len + " bytes, "
                        + (end - p - 2) + " left");
            }
            // A known option whose value is not 4 bytes reads as absent.
            long value = len == 4 ? Wire.getInt(b, p + 2) & 0xffffffffL : 0;
            switch (type) {
                case OPT_MIN_PING_MS -> minPing = value;
                case OPT_MAX_FRAME -> maxFrame = value;
                case OPT_SESSION_OFFER, OPT_SESSION_REQUEST -> {
                    if ((type == OPT_SESSION_OFFER ? offer : request) != null) {
                        throw new Fatal(Kind.PROTOCOL_ERROR, "HELLO carries option " + type + " twice");
                    }
                    byte[] raw = Arrays.copyOfRange(b, p + 2, p + 2 + len);
                    if (type == OPT_SESSION_OFFER) {
                        offer = raw;
                    } else {
                        request = raw;
                    }
                }
                default -> {
                    // Skipped: the peer's interval and timeout (information only), and options of later versions.
                }
            }
            p += 2 + len;
        }
        return new Hello(version, flags, minPing, maxFrame, offer, request);
    }
}
