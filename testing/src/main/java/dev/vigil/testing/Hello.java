package dev.vigil.testing;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * The HELLO that opens a binary Vigil connection ({@code docs/protocol.md}, section 1), as a test's scripted peer
 * sends it or reads it. Options of value 0 mean "none" (never ping, no minimum, no announced maximum).
 *
 * @param version         the highest protocol version the sender speaks (1)
 * @param refusing        whether the sender refuses the connection (a CLOSE frame with the reason follows)
 * @param interval        how long the sender lets its peer be silent before it pings (information only)
 * @param timeout         the silence after which the sender declares its peer dead (information only)
 * @param minPingInterval the shortest interval between PINGs the sender accepts
 * @param maxFrameSize    the largest frame payload the sender accepts, in bytes; 0 for none announced
 */
public record Hello(int version, boolean refusing, Duration interval, Duration timeout, Duration minPingInterval,
                    long maxFrameSize) {
    private static final int OPTIONS = 4;

    /**
     * Checks the values.
     *
     * @param version         the protocol version
     * @param refusing        whether the sender refuses the connection
     * @param interval        the sender's PING interval
     * @param timeout         the sender's timeout
     * @param minPingInterval the shortest PING interval the sender accepts
     * @param maxFrameSize    the largest frame payload the sender accepts
     */
    public Hello {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(minPingInterval, "minPingInterval");
    }

    /**
     * A peer that speaks version 1, never pings, accepts PINGs at any rate and announces no maximum frame size.
     *
     * @return the HELLO
     */
    public static Hello basic() {
        return new Hello(1, false, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
    }

    /**
     * A peer that accepts PINGs no closer together than {@code minPingInterval}.
     *
     * @param minPingInterval the shortest interval between PINGs the peer accepts
     * @return the HELLO
     */
    public static Hello withMinPingInterval(Duration minPingInterval) {
        return new Hello(1, false, Duration.ZERO, Duration.ZERO, minPingInterval, 0);
    }

    /**
     * This HELLO with the refusing flag set: the connection is refused, and a CLOSE frame must follow.
     *
     * @return the HELLO
     */
    public Hello refused() {
        return new Hello(version, true, interval, timeout, minPingInterval, maxFrameSize);
    }

    /** {@return the HELLO as bytes on the wire} */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(8 + OPTIONS * 6);
        b.put(new byte[] {'V', 'I', 'G', 'L'}).put((byte) version).put((byte) (refusing ? 1 : 0))
                .putShort((short) (OPTIONS * 6));
        option(b, 1, interval.toMillis());
        option(b, 2, timeout.toMillis());
        option(b, 3, minPingInterval.toMillis());
        option(b, 4, maxFrameSize);
        return b.array();
    }

    private static void option(ByteBuffer b, int type, long value) {
        b.put((byte) type).put((byte) 4).putInt((int) Math.min(value, 0xffffffffL));
    }

    /**
     * Reads a HELLO from the front of {@code bytes}.
     *
     * @param bytes at least the whole HELLO
     * @return the HELLO
     * @throws IllegalArgumentException if the bytes do not start with a complete HELLO
     */
    public static Hello decode(byte[] bytes) {
        if (length(bytes) < 0 || bytes.length < length(bytes)) {
            throw new IllegalArgumentException("not a complete HELLO: " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.position(4);
        int version = b.get() & 0xff;
        boolean refusing = (b.get() & 1) != 0;
        int end = 8 + (b.getShort() & 0xffff);
        long[] values = new long[OPTIONS + 1];
        while (b.position() + 2 <= end) {
            int type = b.get() & 0xff;
            int len = b.get() & 0xff;
            long value = len == 4 ? b.getInt() & 0xffffffffL : 0;
            if (len != 4) {
                b.position(b.position() + len);
            }
            if (type >= 1 && type <= OPTIONS) {
                values[type] = value;
            }
        }
        return new Hello(version, refusing, Duration.ofMillis(values[1]), Duration.ofMillis(values[2]),
                Duration.ofMillis(values[3]), values[4]);
    }

    /** The length of the HELLO at the front of {@code bytes}, or -1 if not even its fixed part is there. */
    static int length(byte[] bytes) {
        if (bytes.length < 8 || bytes[0] != 'V' || bytes[1] != 'I' || bytes[2] != 'G' || bytes[3] != 'L') {
            return -1;
        }
        return 8 + ((bytes[6] & 0xff) << 8 | (bytes[7] & 0xff));
    }
}
