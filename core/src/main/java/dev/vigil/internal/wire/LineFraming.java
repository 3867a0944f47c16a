package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;
import org.jetbrains.annotations.Nullable;

import java.nio.charset.StandardCharsets;

/**
 * The line framing, for people and tools: each message is one UTF-8 line ending in {@code \n} (a {@code \r} before
 * it is dropped); the lines {@code PING} and {@code PONG} are the heartbeat; there is no HELLO and no CLOSE. A line
 * is refused once it is longer than the maximum, without waiting for its end.
 */
public final class LineFraming implements Framing {
    static final byte[] PING = "PING\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PONG = "PONG\n".getBytes(StandardCharsets.US_ASCII);

    private final int maxFrameSize;
    /** How far past the read position the current line has been searched for its end. */
    private int scanned;

    public LineFraming(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    public boolean hasHello() {
        return false;
    }

    @Override
    public boolean hasCloseFrame() {
        return false;
    }

    @Override
    public void decode(InboundBuffer in, FrameHandler handler) throws Fatal {
        while (true) {
            byte[] b = in.buf;
            int nl = -1;
            for (int i = in.pos + scanned; i < in.limit; i++) {
                if (b[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl < 0) {
                scanned = in.limit - in.pos;
                if (scanned > maxFrameSize) {
                    throw new Fatal(Kind.FRAME_TOO_LARGE, "peer sent a line longer than the maximum of "
                            + maxFrameSize + " bytes");
                }
                if (in.limit == b.length) {
                    in.makeRoom(Math.min(b.length * 2, maxFrameSize + 2));
                }
                break;
            }
            int end = nl > in.pos && b[nl - 1] == '\r' ? nl - 1 : nl;
            int p = in.pos;
            int len = end - p;
            in.pos = nl + 1;
            scanned = 0;
            if (len > maxFrameSize) {
                throw new Fatal(Kind.FRAME_TOO_LARGE, "peer sent a line of " + len + " bytes; the maximum is "
                        + maxFrameSize);
            }
            if (isWord(b, p, len, PING)) {
                handler.onPing(0);
            } else if (isWord(b, p, len, PONG)) {
                handler.onPong(0, false);
            } else {
                handler.onData(b, p, len);
            }
            if (handler.paused()) {
                break;
            }
        }
        if (in.pos == in.limit) {
            scanned = 0;
        }
        in.rewindIfEmpty();
    }

    private static boolean isWord(byte[] b, int p, int len, byte[] lineWithNewline) {
        if (len != lineWithNewline.length - 1) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[p + i] != lineWithNewline[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int beginData(OutBuffer out) {
        return out.size;
    }

    @Override
    public @Nullable String endData(OutBuffer out, int start, long limit) {
        int len = out.size - start;
        if (len > limit) {
            out.size = start;
            return "message of " + len + " bytes exceeds the maximum frame size of " + limit + " bytes";
        }
        for (int i = start; i < out.size; i++) {
            if (out.buf[i] == '\n') {
                out.size = start;
                return "encoded line contains a line break";
            }
        }
        out.write('\n');
        return null;
    }

    @Override
    public void encodePing(OutBuffer out, long nonce) {
        out.write(PING, 0, PING.length);
    }

    @Override
    public void encodePong(OutBuffer out, long nonce) {
        out.write(PONG, 0, PONG.length);
    }

    @Override
    public void encodeClose(OutBuffer out, int code, String text) {
        // No CLOSE line: closing TCP says it.
    }
}
