package dev.vigil.internal.wire;

import dev.vigil.internal.guard.ReadBufferSizer;

/**
 * The bytes a connection has read and not yet decoded. It starts small and adapts: it doubles when reads fill it and
 * halves after a run of small reads, never below {@value #MIN_SIZE} bytes once grown; a connection that only
 * heartbeats holds {@value #IDLE_SIZE} bytes, the size it starts with. It grows past that only to
 * hold one large frame, and then with the bytes that arrive, never to the size a header declares
 * ({@link ReadBufferSizer}): a peer that declares a frame of 1 MiB and sends a byte costs 64 KiB, not 1 MiB. Not
 * thread-safe: one reader owns it.
 */
public final class InboundBuffer {
    /**
     * What a connection holds until reads fill it: room for heartbeat frames (13 bytes each) and small messages, so a
     * connection that only heartbeats keeps no more. A read that fills it doubles it.
     */
    public static final int IDLE_SIZE = 64;
    /**
     * The smallest a buffer shrinks back to once reads have grown it: a connection that was busy keeps room for a
     * burst, so reads of varying size never shrink it to a few frames and make it grow again by copies.
     */
    public static final int MIN_SIZE = 512;
    private static final int MAX_ADAPTIVE_SIZE = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];
    private static final ReadBufferSizer SIZER = new ReadBufferSizer();

    private final int maxFrameSize;
    byte[] buf = EMPTY;
    int pos;
    int limit;
    private int smallReads;

    /** @param maxFrameSize the largest payload a frame may have, which bounds how far the buffer grows */
    public InboundBuffer(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /** Allocates the idle-sized array; until then the buffer holds nothing. */
    public void allocate() {
        if (buf.length == 0) {
            buf = new byte[IDLE_SIZE];
        }
    }

    /** Gives back the array of a finished connection. */
    public void release() {
        buf = EMPTY;
        pos = 0;
        limit = 0;
    }

    /** The array to read into, from {@link #writeIndex()}; call {@link #prepareRead()} first. */
    public byte[] array() {
        return buf;
    }

    public int writeIndex() {
        return limit;
    }

    /** How many bytes the next read may put at {@link #writeIndex()}. */
    public int writable() {
        return buf.length - limit;
    }

    /** How many bytes are waiting to be decoded. */
    public int readable() {
        return limit - pos;
    }

    /** Makes sure the next read has room: a full buffer compacts or grows. */
    public void prepareRead() {
        if (limit == buf.length) {
            makeRoom(limit - pos + MIN_SIZE);
        }
    }

    /**
     * Records that a read put {@code n} bytes at {@link #writeIndex()} when it had {@code space} bytes of room, and
     * adapts the size to how full reads come.
     */
    public void wrote(int n, int space) {
        limit += n;
        if (n == space && buf.length < MAX_ADAPTIVE_SIZE && pos == 0) {
            resize(Math.min(MAX_ADAPTIVE_SIZE, buf.length * 2));
            smallReads = 0;
        } else if (n < buf.length / 4 && buf.length > MIN_SIZE) {
            if (++smallReads >= 8 && limit - pos <= buf.length / 4) {
                resize(Math.max(MIN_SIZE, buf.length / 2));
                smallReads = 0;
            }
        } else {
            smallReads = 0;
        }
    }

    /**
     * Makes room toward {@code need} bytes from the read position: compacts, or grows for a large frame, by what
     * has arrived of it (so {@code need} is a bound, not a promise: a read may find the buffer too small again).
     */
    void makeRoom(int need) {
        if (buf.length - pos >= need) {
            return;
        }
        int capacity = Math.max(limit - pos + 1,
                Math.min(SIZER.capacityFor(buf.length, limit - pos, need), maxFrameSize + Wire.HEADER + 1));
        if (capacity <= buf.length) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
        } else {
            byte[] bigger = new byte[capacity];
            System.arraycopy(buf, pos, bigger, 0, limit - pos);
            buf = bigger;
        }
        limit -= pos;
        pos = 0;
    }

    /** Rewinds an emptied buffer, so the next read starts at the front. */
    void rewindIfEmpty() {
        if (pos == limit) {
            pos = 0;
            limit = 0;
        }
    }

    private void resize(int size) {
        int used = limit - pos;
        if (used > size) {
            return;
        }
        byte[] b = new byte[size];
        System.arraycopy(buf, pos, b, 0, used);
        buf = b;
        pos = 0;
        limit = used;
    }
}
