package dev.vigil.testing;

import dev.vigil.CloseReason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One frame of Vigil's binary wire format ({@code docs/protocol.md}), as a test's scripted peer sends it or reads
 * it: {@code payload length u32 | type u8 | payload}. Make one with {@link #data}, {@link #ping}, {@link #pong} or
 * {@link #close}, turn it into bytes with {@link #encode()}, and read a frame's parts with {@link #text()},
 * {@link #nonce()}, {@link #closeCode()} and {@link #closeText()}.
 *
 * @param type    what kind of frame
 * @param payload its payload, exactly as on the wire (a copy is kept)
 */
public record Frame(Type type, byte[] payload) {

    /** The frame types of protocol version 1. */
    public enum Type {
        /** A message, as the codec encoded it. */
        DATA(0),
        /** A heartbeat request carrying an 8-byte nonce. */
        PING(1),
        /** The answer to a PING, echoing its nonce. */
        PONG(2),
        /** The end of the connection: a 2-byte close code and a UTF-8 reason. */
        CLOSE(3),
        /** A server's answer to a session request ({@link SessionFrames}). */
        SESSION(4),
        /** A session's cumulative count of the peer's DATA frames delivered: 8 bytes. */
        ACK(5);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** {@return the type byte on the wire} */
        public int code() {
            return code;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown frame type " + code);
        }
    }

    /**
     * Makes a frame.
     *
     * @param type    what kind of frame
     * @param payload its payload (copied)
     */
    public Frame {
        Objects.requireNonNull(type, "type");
        payload = payload.clone();
    }

    /** {@return the payload (a copy)} */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * A DATA frame with the bytes a codec produced.
     *
     * @param payload the encoded message
     * @return the frame
     */
    public static Frame data(byte[] payload) {
        return new Frame(Type.DATA, payload);
    }

    /**
     * A DATA frame carrying a UTF-8 string, as {@code MessageCodec.utf8()} encodes it.
     *
     * @param text the message
     * @return the frame
     */
    public static Frame data(String text) {
        return data(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A PING frame.
     *
     * @param nonce the nonce the PONG must echo
     * @return the frame
     */
    public static Frame ping(long nonce) {
        return new Frame(Type.PING, ByteBuffer.allocate(8).putLong(nonce).array());
    }

    /**
     * A PONG frame.
     *
     * @param nonce the nonce of the PING it answers
     * @return the frame
     */
    public static Frame pong(long nonce) {
        return new Frame(Type.PONG, ByteBuffer.allocate(8).putLong(nonce).array());
    }

    /**
     * A CLOSE frame.
     *
     * @param kind   the close code's kind ({@link CloseReason.Kind#code()})
     * @param reason the reason text
     * @return the frame
     */
    public static Frame close(CloseReason.Kind kind, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return new Frame(Type.CLOSE, ByteBuffer.allocate(2 + text.length).putShort((short) kind.code()).put(text)
                .array());
    }

    /**
     * An ACK frame (sessions, {@code docs/protocol.md} 5.4).
     *
     * @param delivered how many of the other side's DATA frames of the session were delivered
     * @return the frame
     */
    public static Frame ack(long delivered) {
        return new Frame(Type.ACK, ByteBuffer.allocate(8).putLong(delivered).array());
    }

    /**
     * {@return the count an ACK frame carries}
     *
     * @throws IllegalStateException if this is not an ACK frame
     */
    public long ackCount() {
        if (type != Type.ACK || payload.length != 8) {
            throw new IllegalStateException("not an ACK frame: " + this);
        }
        return ByteBuffer.wrap(payload).getLong();
    }

    /** {@return the frame as bytes on the wire: header and payload} */
    public byte[] encode() {
        return ByteBuffer.allocate(5 + payload.length).putInt(payload.length).put((byte) type.code).put(payload)
                .array();
    }

    /** {@return the payload read as UTF-8} */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** {@return the nonce of a PING or PONG} */
    public long nonce() {
        require((type == Type.PING || type == Type.PONG) && payload.length == 8, "a PING or PONG");
        return ByteBuffer.wrap(payload).getLong();
    }

    /** {@return the close code of a CLOSE frame} */
    public int closeCode() {
        require(type == Type.CLOSE && payload.length >= 2, "a CLOSE");
        return ByteBuffer.wrap(payload).getShort() & 0xffff;
    }

    /** {@return the kind the close code of a CLOSE frame stands for} */
    public CloseReason.Kind closeKind() {
        return CloseReason.Kind.ofCode(closeCode());
    }

    /** {@return the reason text of a CLOSE frame} */
    public String closeText() {
        require(type == Type.CLOSE && payload.length >= 2, "a CLOSE");
        return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    private void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("not " + what + " frame: " + this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.type == type && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return switch (type) {
            case DATA -> "DATA[" + payload.length + " bytes: " + (payload.length <= 64
                    ? HexFormat.of().formatHex(payload) : HexFormat.of().formatHex(payload, 0, 64) + "...") + "]";
            case PING, PONG -> type + "[" + (payload.length == 8 ? Long.toString(nonce()) : payload.length + " bytes")
                    + "]";
            case CLOSE -> payload.length >= 2 ? "CLOSE[" + closeKind() + ": " + closeText() + "]"
                    : "CLOSE[" + payload.length + " bytes]";
            case SESSION -> "SESSION[" + payload.length + " bytes]";
            case ACK -> payload.length == 8 ? "ACK[" + ackCount() + "]" : "ACK[" + payload.length + " bytes]";
        };
    }
}
