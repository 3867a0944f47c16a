package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;
import org.jetbrains.annotations.Nullable;

import java.nio.charset.StandardCharsets;

/**
 * The line framing, for people and tools: each message is one UTF-8 line ending in {@code \n} (a {@code \r} before
 * it is dropped); the lines {@code PING} and {@code PONG} are the heartbeat; there is no HELLO and no CLOSE. A line
 * is refused once it is longer than the maximum, without waiting for its end. A side that closes sends a last line
 * {@code CLOSE <code> <reason>} (the binary CLOSE frame's code and reason, on one line) before its FIN, so a person
 * at {@code nc} reads why; a line of that form is that side's CLOSE, never a message.
 */
public final class LineFraming implements Framing {
    static final byte[] PING = "PING\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PONG = "PONG\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "CLOSE ".getBytes(StandardCharsets.US_ASCII);

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
                // A line of the maximum may have its \r here and its \n still to come: not too long yet.
                if (scanned > maxFrameSize && !(scanned == maxFrameSize + 1 && b[in.limit - 1] == '\r')) {
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
            } else if (closeCode(b, p, len) >= 0) {
                int code = closeCode(b, p, len);
                int digits = Integer.toString(code).length();
                int text = Math.min(len, CLOSE.length + digits + 1);
                handler.onClose(code, new String(b, p + text, len - text, StandardCharsets.UTF_8));
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

    /** {@return the code of a {@code CLOSE <code> <reason>} line, or -1 if the line is not one} */
    private static int closeCode(byte[] b, int p, int len) {
        if (len < CLOSE.length + 1 || b[p] != 'C') {
            return -1;
        }
        for (int i = 0; i < CLOSE.length; i++) {
            if (b[p + i] != CLOSE[i]) {
                return -1;
            }
        }
        int code = 0;
        int i = p + CLOSE.length;
        int end = p + len;
        for (int digits = 0; i < end && b[i] != ' '; i++, digits++) {
            if (b[i] < '0' || b[i] > '9' || digits == 5 || (digits == 1 && code == 0)) {
                return -1;
            }
            code = code * 10 + (b[i] - '0');
        }
        return i == p + CLOSE.length || code > 0xffff ? -1 : code;
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
        byte[] reason = text.replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8);
        int len = CloseFrame.cutUtf8(reason, Math.min(Wire.MAX_CLOSE_TEXT, maxFrameSize - 12));
        byte[] head = ("CLOSE " + code + (len > 0 ? " " : "")).getBytes(StandardCharsets.US_ASCII);
        out.write(head, 0, head.length);
        out.write(reason, 0, len);
        out.write('\n');
    }
}
