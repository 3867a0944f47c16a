package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The CLOSE frame: code u16, then a UTF-8 reason of at most {@value Wire#MAX_CLOSE_TEXT} bytes. */
public final class CloseFrame {
    /** The longest valid payload: the code and the longest reason. */
    public static final int MAX_PAYLOAD = 2 + Wire.MAX_CLOSE_TEXT;

    private CloseFrame() {
    }

    /** Appends a CLOSE frame, cutting the reason to {@value Wire#MAX_CLOSE_TEXT} bytes. */
    public static void encode(OutBuffer out, int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int len = cutUtf8(text, Wire.MAX_CLOSE_TEXT);
        out.ensure(Wire.HEADER + 2 + len);
        int p = out.size;
        Wire.putInt(out.buf, p, 2 + len);
        out.buf[p + 4] = Wire.CLOSE;
        out.buf[p + 5] = (byte) (code >>> 8);
        out.buf[p + 6] = (byte) code;
        System.arraycopy(text, 0, out.buf, p + Wire.HEADER + 2, len);
        out.size = p + Wire.HEADER + 2 + len;
    }

    /** A CLOSE frame on its own, for refusing a connection that never gets a writer. */
    public static byte[] encode(int code, String reason) {
        OutBuffer out = new OutBuffer();
        encode(out, code, reason);
        return Arrays.copyOf(out.buf, out.size);
    }

    /** Checks a CLOSE payload's length; called from the header, before the payload is buffered. */
    static void checkLength(int len) throws Fatal {
        if (len < 2 || len > MAX_PAYLOAD) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "CLOSE frame of " + len + " bytes (expected 2 to " + MAX_PAYLOAD
                    + ")");
        }
    }

    static int code(byte[] b, int p) {
        return (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
    }

    static String text(byte[] b, int p, int len) {
        return new String(b, p + 2, len - 2, StandardCharsets.UTF_8);
    }

    /** The longest prefix of at most {@code max} bytes that does not split a UTF-8 sequence. */
    static int cutUtf8(byte[] text, int max) {
        if (text.length <= max) {
            return text.length;
        }
        int n = max;
        while (n > 0 && (text[n] & 0xc0) == 0x80) {
            n--;
        }
        return n;
    }
}
