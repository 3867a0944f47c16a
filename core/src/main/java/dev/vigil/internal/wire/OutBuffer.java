package dev.vigil.internal.wire;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array that codecs write into. One per connection, used only by whoever holds the connection's
 * write lock, so frames are encoded straight into the bytes that go to the socket, with no copy per message.
 */
public final class OutBuffer extends OutputStream {
    private static final byte[] EMPTY = new byte[0];

    /** The bytes; valid up to {@link #size}. */
    public byte[] buf = EMPTY;
    /** How many bytes of {@link #buf} are used. */
    public int size;

    /** Makes room for {@code extra} more bytes. */
    public void ensure(int extra) {
        int need = size + extra;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, Math.max(256, buf.length * 2)));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** Writes a string as UTF-8 without an intermediate array. */
    public void writeUtf8(String s) {
        int n = s.length();
        ensure(n);
        int i = 0;
        // ASCII fast path: one byte per char, no bounds growth needed.
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            buf[size++] = (byte) c;
        }
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                ensure(1);
                buf[size++] = (byte) c;
            } else if (c < 0x800) {
                ensure(2);
                buf[size++] = (byte) (0xc0 | c >> 6);
                buf[size++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[size++] = (byte) (0xf0 | cp >> 18);
                buf[size++] = (byte) (0x80 | cp >> 12 & 0x3f);
                buf[size++] = (byte) (0x80 | cp >> 6 & 0x3f);
                buf[size++] = (byte) (0x80 | cp & 0x3f);
            } else if (Character.isSurrogate(c)) {
                ensure(1);
                buf[size++] = '?';
            } else {
                ensure(3);
                buf[size++] = (byte) (0xe0 | c >> 12);
                buf[size++] = (byte) (0x80 | c >> 6 & 0x3f);
                buf[size++] = (byte) (0x80 | c & 0x3f);
            }
        }
    }

    /**
     * Empties the buffer once its bytes are written. A write that came at least {@code sparseAfter} after the one
     * before ({@code previous}) gives the array back too: on a connection that only heartbeats, a PING or PONG a second,
     * the array would sit unused until the next one. A connection that writes more often keeps its array, so a busy
     * one allocates nothing per write.
     *
     * @param now         when the bytes were written
     * @param previous    when the write before was
     * @param sparseAfter how long after the one before a write must come to give the array back
     */
    public void written(long now, long previous, long sparseAfter) {
        size = 0;
        if (now - previous >= sparseAfter) {
            buf = EMPTY;
        }
    }

    /** Drops the array if it grew past {@code keep} bytes, so an idle connection holds little. */
    public void trim(int keep) {
        if (size == 0 && buf.length > keep) {
            buf = EMPTY;
        }
    }
}
