package dev.vigil.internal.conn;

import dev.vigil.internal.session.ReplayBuffer;
import dev.vigil.internal.wire.OutBuffer;
import dev.vigil.internal.wire.Wire;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client's held session messages on a connection to a server that keeps no sessions ({@code docs/protocol.md}
 * 5.2): written as plain DATA frames, in order, ahead of anything sent on the connection. They were accepted already,
 * within the replay buffer's bounds, so the connection's queue bound ({@code maxQueuedMessages}) and backpressure
 * policy do not apply to them: none is failed or waited for, and the reader, which hands them over during the
 * handshake, never blocks. Their delivery confirmations have failed already (nobody confirms them).
 *
 * <p>Threads: made on the reader; {@link #hasData} and {@link #encode} under the outbound lock, {@link #written} by
 * the writer, as the session's own frames; {@link #unwritten} on the reader when the connection ended (a frame
 * written meanwhile completes its future first, and failing it then changes nothing).
 *
 * @param <M> the type of messages
 */
final class SessionFallback<M> {
    private final ArrayDeque<ReplayBuffer.Entry<M>> held;
    private List<ReplayBuffer.Entry<M>> writing = List.of();

    SessionFallback(List<ReplayBuffer.Entry<M>> held) {
        this.held = new ArrayDeque<>(held);
    }

    boolean hasData() {
        return !held.isEmpty();
    }

    /** Encodes up to {@code max} held messages as DATA frames; returns how many. */
    int encode(OutBuffer out, int max) {
        int n = Math.min(max, held.size());
        ReplayBuffer.Entry<M>[] next = newArray(n);
        for (int i = 0; i < n; i++) {
            next[i] = held.pollFirst();
            data(out, next[i].payload());
        }
        writing = List.of(next);
        return n;
    }

    /** The writer wrote what {@link #encode} gave it. */
    void written() {
        for (ReplayBuffer.Entry<M> e : writing) {
            e.written().complete(null);
        }
        writing = List.of();
    }

    /**
     * The connection ended: {@return what was never written, oldest first} (the caller fails it, outside the lock).
     *
     * @param lock the outbound lock, which guards what is held
     */
    List<ReplayBuffer.Entry<M>> unwritten(ReentrantLock lock) {
        lock.lock();
        try {
            List<ReplayBuffer.Entry<M>> rest = new ArrayList<>(writing);
            rest.addAll(held);
            held.clear();
            return rest;
        } finally {
            lock.unlock();
        }
    }

    /** Appends one DATA frame carrying {@code payload}. */
    static void data(OutBuffer out, byte[] payload) {
        out.ensure(Wire.HEADER + payload.length);
        Wire.putInt(out.buf, out.size, payload.length);
        out.buf[out.size + 4] = Wire.DATA;
        System.arraycopy(payload, 0, out.buf, out.size + Wire.HEADER, payload.length);
        out.size += Wire.HEADER + payload.length;
    }

    @SuppressWarnings("unchecked")
    private static <M> ReplayBuffer.Entry<M>[] newArray(int n) {
        return (ReplayBuffer.Entry<M>[]) new ReplayBuffer.Entry<?>[n];
    }
}
