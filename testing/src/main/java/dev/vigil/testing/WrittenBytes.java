package dev.vigil.testing;

import org.jetbrains.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/** What an embedded connection wrote and the test has not read: one entry per write, read whole or across writes. */
final class WrittenBytes {
    private final ArrayDeque<byte[]> writes = new ArrayDeque<>();
    /** How much of the first write has been read. */
    private int offset;

    void add(byte[] write) {
        writes.add(write);
    }

    int writes() {
        return writes.size();
    }

    /** The unread rest of the next write, or null. */
    byte @Nullable [] nextWrite() {
        byte[] head = writes.poll();
        if (head == null) {
            return null;
        }
        byte[] rest = offset == 0 ? head : Arrays.copyOfRange(head, offset, head.length);
        offset = 0;
        return rest;
    }

    int available() {
        int n = -offset;
        for (byte[] b : writes) {
            n += b.length;
        }
        return n;
    }

    /** The next {@code n} unread bytes, across writes, without reading them; null if fewer (or none) are there. */
    byte @Nullable [] peek(int n) {
        if (available() < n || n == 0) {
            return null;
        }
        byte[] out = new byte[n];
        int p = 0;
        int skip = offset;
        for (byte[] b : writes) {
            int k = Math.min(b.length - skip, n - p);
            System.arraycopy(b, skip, out, p, k);
            p += k;
            skip = 0;
            if (p == n) {
                break;
            }
        }
        return out;
    }

    /** Reads the next {@code n} bytes, across writes; null (and nothing read) if fewer are there. */
    byte @Nullable [] take(int n) {
        byte[] out = peek(n);
        if (out == null) {
            return null;
        }
        int left = n;
        while (left > 0) {
            byte[] head = Objects.requireNonNull(writes.peek());
            int k = Math.min(head.length - offset, left);
            left -= k;
            offset += k;
            if (offset == head.length) {
                writes.poll();
                offset = 0;
            }
        }
        return out;
    }
}
