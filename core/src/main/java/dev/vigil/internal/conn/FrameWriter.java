package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.wire.Framing;
import dev.vigil.internal.wire.OutBuffer;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer's buffer: frames encoded straight into one array and handed to the socket side in one write, with no
 * copy per message. Used only by whoever holds its {@link #lock}, the connection's write side.
 */
final class FrameWriter<M> {
    static final int BATCH = 64;
    private static final int WRITE_CHUNK = 64 * 1024;
    private static final Object[] NO_ENTRIES = new Object[0];

    private static final Logger log = LoggerFactory.getLogger(FrameWriter.class);

    /** The write side: whoever writes to the socket holds it. */
    final ReentrantLock lock = new ReentrantLock();
    private final ConnectionCore<M> core;
    private final MessageCodec<M> codec;
    private final Framing framing;
    final MetricsObserver metrics; // the session part reports through it too
    private final Clock clock;
    final OutBuffer buffer = new OutBuffer();
    /** The messages being written: message at {@code 2i}, its future at {@code 2i + 1}. */
    private Object[] batch = NO_ENTRIES;
    private volatile long framesOut;
    private volatile long bytesOut;
    private volatile long lastWriteNanos;
    /**
     * A flush this long after the one before gives its array back once written: half the idle interval the timer last
     * passed to {@link #trimIdle}, so a connection that only heartbeats holds no write buffer between its beats.
     */
    private volatile long sparseAfter = TimeUnit.MILLISECONDS.toNanos(500);
    /** Bytes of the flush in progress not yet taken by the socket: the write deadline watches them. */
    private volatile int pending;
    /** The connection's reader is inside a write (an inline reply): the peer's silence still counts. */
    private volatile boolean readerInWrite;

    FrameWriter(ConnectionCore<M> core, MessageCodec<M> codec, Framing framing, MetricsObserver metrics,
                Clock clock) {
        this.core = core;
        this.codec = codec;
        this.framing = framing;
        this.metrics = metrics;
        this.clock = clock;
    }

    long framesOut() {
        return framesOut;
    }

    long bytesOut() {
        return bytesOut;
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    int pending() {
        return pending;
    }

    boolean readerInWrite() {
        return readerInWrite;
    }

    /** Writes this side's HELLO, before anything else can be written. */
    void writeHello(byte[] bytes) throws IOException {
        lock.lock();
        try {
            core.write(bytes, 0, bytes.length);
            bytesOut = bytesOut + bytes.length;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes a CLOSE frame once no writer is busy, waiting up to {@code waitNanos} (0: not at all) for the one that is
     * (its batch is the last: the output is already closed to new work); gives up after that.
     */
    void tellPeer(CloseReason reason, long waitNanos) {
        try {
            if (!(waitNanos > 0 ? lock.tryLock(waitNanos, TimeUnit.NANOSECONDS) : lock.tryLock())) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            writeClose(reason);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: could not tell the peer why: {}", core.logName(), e.toString());
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@value #BATCH} queued messages into the batch. */
    int take(SendQueue queue) {
        if (queue.size() == 0) {
            return 0;
        }
        if (batch.length < BATCH * 2) {
            batch = new Object[BATCH * 2];
        }
        return queue.takeInto(batch, BATCH);
    }

    /**
     * Encodes the batch's messages behind the {@code encoded} control frames already in the buffer, writing whenever
     * the buffer passes a chunk; returns the frames left unwritten.
     */
    int encode(int n, long limit, int encoded) throws IOException {
        int frames = encoded;
        for (int i = 0; i < n; i++) {
            if (encodeData(batch[i * 2], future(i), limit)) {
                frames++;
            } else {
                batch[i * 2 + 1] = null;
            }
            if (buffer.size >= WRITE_CHUNK) {
                flush(frames);
                frames = 0;
            }
        }
        return frames;
    }

    /** Encodes one message (copies a broadcast's frame); on failure rolls the buffer back and fails only it. */
    private boolean encodeData(Object message, @Nullable CompletableFuture<Void> future, long limit) {
        @SuppressWarnings("unchecked")
        Throwable error = message instanceof Broadcast b ? b.writeTo(buffer, framing, limit) : encodeOne((M) message,
                limit);
        if (error != null && future != null) {
            future.completeExceptionally(error);
        }
        return error == null;
    }

    /** Encodes one message into the buffer; on failure rolls the buffer back and returns why. */
    @Nullable Throwable encodeOne(M message, long limit) {
        int start = framing.beginData(buffer);
        try {
            codec.encode(message, buffer);
        } catch (Exception | LinkageError e) {
            buffer.size = start;
            return e;
        }
        String error = framing.endData(buffer, start, limit);
        return error == null ? null : new IOException(error);
    }

    /** Hands the buffer to the socket side, in writes of at most {@value #WRITE_CHUNK} bytes. */
    void flush(int frames) throws IOException {
        if (buffer.size == 0) {
            return;
        }
        boolean inline = core.onReader();
        if (inline) {
            readerInWrite = true;
        }
        try {
            // In chunks, counting after each, so the write deadline sees a large write make progress.
            for (int off = 0; off < buffer.size; ) {
                int n = Math.min(WRITE_CHUNK, buffer.size - off);
                pending = buffer.size - off;
                core.write(buffer.buf, off, n);
                off += n;
                bytesOut = bytesOut + n;
            }
        } finally {
            pending = 0;
            if (inline) {
                readerInWrite = false;
            }
        }
        framesOut = framesOut + frames;
        if (metrics != MetricsObserver.NONE) {
            metrics.sent(core, frames, buffer.size);
        }
        long now = clock.nanoTime();
        buffer.written(now, lastWriteNanos, sparseAfter);
        lastWriteNanos = now;
    }

    /** Completes the futures of a written batch (or fails them with {@code error}) and empties it. */
    void settle(int n, @Nullable Throwable error) {
        for (int i = 0; i < n; i++) {
            CompletableFuture<Void> future = future(i);
            batch[i * 2] = null;
            batch[i * 2 + 1] = null;
            if (future == null) {
                continue;
            }
            if (error == null) {
                future.complete(null);
            } else {
                future.completeExceptionally(error);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private @Nullable CompletableFuture<Void> future(int i) {
        return (CompletableFuture<Void>) batch[i * 2 + 1];
    }

    /** Writes a CLOSE frame alone, at once; the caller holds the writer role. */
    private void writeClose(CloseReason reason) throws IOException {
        buffer.size = 0;
        try {
            framing.encodeClose(buffer, reason.kind().code(), reason.message());
            flush(1);
        } finally {
            buffer.size = 0;
        }
    }

    /** Gives back the write buffer and queue arrays of a connection idle for an interval (a second at most). */
    void trimIdle(long now, long interval, Outbound<M> out) {
        long idleFor = Math.min(interval, TimeUnit.SECONDS.toNanos(1));
        if (sparseAfter != idleFor / 2) {
            sparseAfter = idleFor / 2;
        }
        if (now - lastWriteNanos < idleFor || !lock.tryLock()) {
            return;
        }
        try {
            out.lock.lock();
            try {
                if (out.queue.size() == 0 && out.inFlight == 0 && !out.writerActive) {
                    out.queue.release();
                    trim();
                }
            } finally {
                out.lock.unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the arrays of an idle connection. */
    void trim() {
        buffer.trim(0);
        batch = NO_ENTRIES;
    }
}
