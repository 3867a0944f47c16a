package dev.vigil.benchmarks.transport;

/**
 * The framing of the {@code netty} and {@code socket} implementations: {@code [u32 big-endian length][payload]}. With
 * a heartbeat, a one-byte payload is a control frame: {@link #PING} or {@link #PONG}.
 */
public final class Frames {
    /** Bytes of the length field. */
    public static final int HEADER = 4;
    /** The largest payload accepted (Vigil's default maximum frame size). */
    public static final int MAX_PAYLOAD = 1 << 20;
    /** A control frame's payload length. */
    public static final int CONTROL_LENGTH = 1;
    /** The PING control byte. */
    public static final byte PING = 1;
    /** The PONG control byte. */
    public static final byte PONG = 2;

    private Frames() {
    }

    /**
     * Checks that a payload can travel as a data frame.
     *
     * @param payload the payload
     * @return the payload
     */
    static byte[] checkData(byte[] payload) {
        if (payload.length == CONTROL_LENGTH || payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a data payload must not be " + payload.length + " bytes long");
        }
        return payload;
    }
}
