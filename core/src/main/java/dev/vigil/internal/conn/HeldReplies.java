package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.ConnectionClosedException;
import dev.vigil.internal.wire.OutBuffer;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The replies the reader sends while it delivers the frames of one read, when it holds the writer role for them and
 * nothing else is queued: each is encoded at once into the write buffer, and all of one read share one future,
 * completed when they leave in one write at the end of the read; so a reply allocates no future of its own. Control
 * frames owed by then (PONGs for PINGs in the same read, a PING of ours) are moved ahead of them in that write, as
 * they go ahead of queued data. A reply that finds something queued (another thread's send, a full batch) is queued
 * behind it as before, so the order of sends holds. Reader only; the reader holds the write lock from the first such
 * reply to the write, so no other writer touches the buffer meanwhile.
 */
final class HeldReplies<M> {
    private static final int MAX_BYTES = 64 * 1024;

    private final Outbound<M> out;
    private final FrameWriter<M> writer;
    private final OutBuffer control = new OutBuffer();
    private boolean active;
    /** Under the outbound lock: a read's replies are claimed; and why they must fail instead (a reject, an abort). */
    private boolean claimed;
    private @Nullable CloseReason dropped;
    private int frames;
    private @Nullable CompletableFuture<Void> future;

    HeldReplies(Outbound<M> out, FrameWriter<M> writer) {
        this.out = out;
        this.writer = writer;
    }

    /** Whether replies are being encoded into the buffer for this read (the reader holds the write lock). */
    boolean active() {
        return active;
    }

    /** {@return whether the reader's next reply in this read may be encoded at once} (claims the writer role) */
    boolean claim() {
        Outbound<M> o = out;
        o.lock.lock();
        try {
            if (active) {
                return o.queue.size() == 0 && dropped == null && o.core.closeReason() == null
                        && frames < FrameWriter.BATCH && writer.buffer.size < MAX_BYTES;
            }
            if (o.queue.size() > 0 || o.session != null || o.outputClosed || o.core.closeReason() != null
                    || !o.flushOwed && o.writerActive) {
                return false;
            }
            o.writerActive = true;
            o.flushOwed = true;
            claimed = true;
        } finally {
            o.lock.unlock();
        }
        writer.lock.lock(); // after the outbound lock is released: drain takes the two in the other order
        active = true;
        return true;
    }

    /** Encodes one reply; {@return the read's shared future, or a failed one if the codec refused it}. */
    CompletableFuture<Void> add(M message, long limit) {
        Throwable failed = writer.encodeOne(message, limit);
        if (failed != null) {
            return CompletableFuture.failedFuture(failed);
        }
        frames++;
        CompletableFuture<Void> f = future;
        if (f == null) {
            f = new Written.Shared();
            future = f;
        }
        return f;
    }

    /** What is queued fails ({@code reason}): so do this read's replies, not yet written. Under the outbound lock. */
    void failLocked(CloseReason reason) {
        if (claimed && dropped == null) {
            dropped = reason;
        }
    }

    /**
     * Writes this read's replies, behind the control frames owed (encoded under the outbound lock, then moved ahead),
     * and settles their future; gives back the write lock. The writer role stays the reader's: it drains the rest.
     */
    void flush() {
        CompletableFuture<Void> f = future;
        Throwable error = null;
        OutBuffer buf = writer.buffer;
        try {
            int controlFrames;
            out.lock.lock();
            try {
                claimed = false;
                CloseReason reason = dropped;
                dropped = null;
                if (reason != null || out.outputClosed) {
                    error = reason != null ? new ConnectionClosedException(reason) : out.closed();
                    return;
                }
                controlFrames = out.control.encode(control, writer.bytesOut());
            } finally {
                out.lock.unlock();
            }
            if (control.size > 0) {
                buf.ensure(control.size);
                System.arraycopy(buf.buf, 0, buf.buf, control.size, buf.size);
                System.arraycopy(control.buf, 0, buf.buf, 0, control.size);
                buf.size += control.size;
            }
            writer.flush(frames + controlFrames);
        } catch (IOException | RuntimeException e) {
            out.writeFailed(e, 0);
            out.lock.lock();
            try {
                out.outputClosed = true;
            } finally {
                out.lock.unlock();
            }
            error = new ConnectionClosedException(out.core.requireCloseReason());
        } finally {
            buf.size = 0;
            control.size = 0;
            control.trim(256);
            active = false;
            frames = 0;
            future = null;
            writer.lock.unlock();
            if (f != null) {
                if (error == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(error);
                }
            }
        }
    }
}
