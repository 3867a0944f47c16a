package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;
import org.jetbrains.annotations.Nullable;

/**
 * The binary framing: {@code payload length u32 | type u8 | payload}, after a HELLO exchange. A frame over the
 * maximum is refused from its header alone, before anything of its size is buffered.
 */
public final class BinaryFraming implements Framing {
    /** The one made last: it keeps no state between reads, so the connections of a manager share one. */
    private static volatile @Nullable BinaryFraming last;
    private final int maxFrameSize;

    public BinaryFraming(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /** {@return a binary framing for frames of up to {@code maxFrameSize} bytes, shared if one exists} */
    static BinaryFraming of(int maxFrameSize) {
        BinaryFraming f = last;
        if (f == null || f.maxFrameSize != maxFrameSize) {
            f = new BinaryFraming(maxFrameSize);
            last = f;
        }
        return f;
    }

    @Override
    public boolean hasHello() {
        return true;
    }

    @Override
    public boolean hasCloseFrame() {
        return true;
    }

    @Override
    public void decode(InboundBuffer in, FrameHandler handler) throws Fatal {
        byte[] b = in.buf;
        while (true) {
            int avail = in.limit - in.pos;
            if (avail < Wire.HEADER) {
                if (avail > 0) {
                    in.makeRoom(Wire.HEADER);
                }
                break;
            }
            int len = Wire.getInt(b, in.pos);
            // The maximum frame size bounds DATA; a CLOSE may always carry its full reason, whatever the maximum.
            int limit = b[in.pos + 4] == Wire.CLOSE ? Math.max(maxFrameSize, CloseFrame.MAX_PAYLOAD) : maxFrameSize;
            if (len < 0 || len > limit) {
                throw new Fatal(Kind.FRAME_TOO_LARGE, "peer sent a frame of " + (len & 0xffffffffL)
                        + " bytes; the maximum is " + limit);
            }
            if (avail < Wire.HEADER + len) {
                in.makeRoom(Wire.HEADER + len);
                break;
            }
            byte type = b[in.pos + 4];
            checkLength(type, len);
            int p = in.pos + Wire.HEADER;
            in.pos += Wire.HEADER + len;
            switch (type) {
                case Wire.DATA -> handler.onData(b, p, len);
                case Wire.PING -> handler.onPing(Wire.getLong(b, p));
                case Wire.PONG -> handler.onPong(Wire.getLong(b, p), true);
                case Wire.SESSION, Wire.ACK -> handler.onSessionFrame(type, b, p, len);
                default -> handler.onClose(CloseFrame.code(b, p), CloseFrame.text(b, p, len));
            }
            b = in.buf; // a callback cannot move the buffer, but stay honest if it ever does
            if (handler.paused()) {
                break;
            }
        }
        in.rewindIfEmpty();
    }

    /** Refuses an unknown type, or a control frame of the wrong length, once the whole frame has arrived. */
    private static void checkLength(byte type, int len) throws Fatal {
        switch (type) {
            case Wire.DATA, Wire.SESSION, Wire.ACK -> {
                // SESSION and ACK lengths are checked by the session's codec, which knows whether one was negotiated
            }
            case Wire.PING, Wire.PONG -> {
                if (len != Wire.NONCE) {
                    throw new Fatal(Kind.PROTOCOL_ERROR, (type == Wire.PING ? "PING" : "PONG") + " frame of " + len
                            + " bytes (expected " + Wire.NONCE + ")");
                }
            }
            case Wire.CLOSE -> CloseFrame.checkLength(len);
            default -> throw new Fatal(Kind.PROTOCOL_ERROR,
                    String.format("peer sent a frame of unknown type 0x%02x (%d bytes)", type, len));
        }
    }

    @Override
    public int beginData(OutBuffer out) {
        int start = out.size;
        out.ensure(Wire.HEADER);
        out.size += Wire.HEADER;
        return start;
    }

    @Override
    public @Nullable String endData(OutBuffer out, int start, long limit) {
        int len = out.size - start - Wire.HEADER;
        if (len > limit) {
            out.size = start;
            return "message of " + len + " bytes exceeds the maximum frame size of " + limit + " bytes";
        }
        Wire.putInt(out.buf, start, len);
        out.buf[start + 4] = Wire.DATA;
        return null;
    }

    @Override
    public void encodePing(OutBuffer out, long nonce) {
        control(out, Wire.PING, nonce);
    }

    @Override
    public void encodePong(OutBuffer out, long nonce) {
        control(out, Wire.PONG, nonce);
    }

    private static void control(OutBuffer out, byte type, long nonce) {
        out.ensure(Wire.HEADER + Wire.NONCE);
        Wire.putInt(out.buf, out.size, Wire.NONCE);
        out.buf[out.size + 4] = type;
        Wire.putLong(out.buf, out.size + Wire.HEADER, nonce);
        out.size += Wire.HEADER + Wire.NONCE;
    }

    @Override
    public void encodeClose(OutBuffer out, int code, String text) {
        CloseFrame.encode(out, code, text);
    }
}
