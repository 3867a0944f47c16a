package dev.vigil.internal.conn;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.ConnectionClosedException;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.jfr.VigilEvents;
import dev.vigil.internal.wire.Framing;
import dev.vigil.internal.wire.OutBuffer;
import org.jetbrains.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's outbound side: the queue with its backpressure, and the writer role that drains it.
 *
 * <p>Whoever takes the writer role (under {@code writeLock}) drains the queue: control frames first (PONGs owed, then
 * a PING), then up to {@value #BATCH} messages encoded straight into one buffer and written with one call; the CLOSE
 * frame goes last, after every message queued before it, and nothing is written after it. When the queue was idle
 * and the sender is the connection's own reader (a reply from {@code onMessage}) the reader writes inline, with no
 * thread hop, and all replies to the frames of one read leave in one write; otherwise the I/O side is asked for a
 * writer ({@code spawn("writer")}), one hop.
 *
 * <p>{@code lock} guards the queue, the writer flag and the connection's state (the core moves its state under it).
 */
final class Outbound<M> {
    private static final Logger log = LoggerFactory.getLogger(Outbound.class);

    private final ConnectionCore<M> core;
    private final Framing framing;
    private final Clock clock;
    private final int maxQueued;

    final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition writerIdle = lock.newCondition();
    private final SendQueue queue;
    private int inFlight;
    boolean writerActive;
    boolean outputClosed;
    private boolean pingRequested;
    private long[] pongs = new long[0];
    private int pongCount;
    private boolean closeAfterData;
    private @Nullable CloseReason closeFrame;
    private volatile long peerMaxFrame;
    /** The connection's session part; null without a session policy (set before the connection starts). */
    @Nullable SessionLink<M> session;

    /** The reader is delivering the frames of one read; replies it sends wait for the end of it. Reader only. */
    private boolean holding;
    /** The reader holds the writer role for replies sent while {@link #holding}. Reader only. */
    private boolean flushOwed;

    private final ReentrantLock writeLock = new ReentrantLock();
    /** Writes frames; its counters (frames, bytes, a write in progress) are read through it. */
    final FrameWriter<M> writer;
    private final OutBuffer obuf;
    private final Pings pings;

    Outbound(ConnectionCore<M> core, MessageCodec<M> codec, Framing framing, MetricsObserver metrics, Clock clock,
             int maxQueued, int maxFrameSize, Pings pings) {
        this.core = core;
        this.framing = framing;
        this.clock = clock;
        this.writer = new FrameWriter<>(core, codec, framing, metrics, clock);
        this.obuf = writer.buffer;
        this.maxQueued = maxQueued;
        this.queue = new SendQueue(maxQueued);
        this.peerMaxFrame = maxFrameSize;
        this.pings = pings;
    }

    void peerMaxFrame(long max) {
        peerMaxFrame = max;
    }

    int queued() {
        lock.lock();
        try {
            return queue.size() + inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Writes this side's HELLO, before anything else can be written. */
    void writeHello(byte[] hello) throws IOException {
        writeLock.lock();
        try {
            writer.writeRaw(hello);
        } finally {
            writeLock.unlock();
        }
    }

    // ---- adding work ----

    void enqueue(M message, CompletableFuture<Void> future, BackpressurePolicy policy) {
        boolean inline = false;
        boolean spawn = false;
        boolean slowConsumer = false;
        int queuedAtOverflow = 0;
        lock.lock();
        try {
            while (true) {
                CloseReason reason = core.closeReason();
                if (reason != null) {
                    future.completeExceptionally(new ConnectionClosedException(reason));
                    return;
                }
                if (queue.size() + inFlight < maxQueued) {
                    break;
                }
                if (policy == BackpressurePolicy.FAIL) {
                    future.completeExceptionally(new RejectedExecutionException(core.name() + ": outbound queue full ("
                            + queue.size() + " messages waiting)"));
                    return;
                }
                if (policy == BackpressurePolicy.CLOSE) {
                    slowConsumer = true;
                    queuedAtOverflow = queue.size() + inFlight;
                    break;
                }
                try {
                    notFull.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    future.completeExceptionally(e);
                    return;
                }
            }
            if (!slowConsumer) {
                queue.add(message, future);
                if (!writerActive) {
                    writerActive = true;
                    inline = core.onReader();
                    spawn = !inline;
                }
            }
        } finally {
            lock.unlock();
        }
        if (slowConsumer) {
            VigilEvents.slowConsumer(core, queuedAtOverflow, maxQueued);
            core.abort(CloseReason.local(Kind.SLOW_CONSUMER, "peer reads too slowly: " + maxQueued
                    + " messages queued"), false);
            future.completeExceptionally(new ConnectionClosedException(core.requireCloseReason()));
            return;
        }
        startWriting(inline, spawn);
    }

    /** Owes the peer a PONG; it goes out ahead of queued data. */
    void pong(long nonce) {
        boolean inline = false;
        boolean spawn = false;
        lock.lock();
        try {
            if (outputClosed) {
                return;
            }
            if (pongCount == pongs.length) {
                pongs = Arrays.copyOf(pongs, Math.max(2, pongCount * 2));
            }
            pongs[pongCount++] = nonce;
            if (!writerActive) {
                writerActive = true;
                inline = core.onReader();
                spawn = !inline;
            }
        } finally {
            lock.unlock();
        }
        startWriting(inline, spawn);
    }

    /** Asks for a PING, ahead of queued data; from the timer, so never written inline. */
    void requestPing() {
        boolean spawn = false;
        lock.lock();
        try {
            if (outputClosed || core.closeReason() != null) {
                return;
            }
            pingRequested = true;
            if (!writerActive) {
                writerActive = true;
                spawn = true;
            }
        } finally {
            lock.unlock();
        }
        startWriting(false, spawn);
    }

    /** Sends a CLOSE frame after every message already queued; the caller holds {@link #lock}. */
    boolean closeAfterDataLocked(CloseReason reason) {
        closeAfterData = true;
        closeFrame = reason;
        notFull.signalAll();
        if (!writerActive && !outputClosed) {
            writerActive = true;
            return true;
        }
        return false;
    }

    /** Fails what is queued and writes nothing more (a CLOSE being written now is the last frame); under lock. */
    void closeOutputLocked(CloseReason reason) {
        failQueuedLocked(reason);
        outputClosed = true;
    }

    void failQueuedLocked(CloseReason reason) {
        if (queue.size() > 0) {
            queue.failAll(new ConnectionClosedException(reason));
        }
        notFull.signalAll();
    }

    /** The reader starts delivering the frames of one read: replies wait for {@link #releaseReplies}. */
    void holdReplies() {
        holding = true;
    }

    /** The reader has delivered one read's frames: the replies they earned leave in one write. */
    void releaseReplies() {
        holding = false;
        if (flushOwed) {
            flushOwed = false;
            drain(true);
        }
    }

    void startWriting(boolean inline, boolean spawn) {
        if (inline) {
            if (holding) {
                flushOwed = true;
            } else {
                drain(true);
            }
        } else if (spawn) {
            core.spawn("writer", () -> drain(false));
        }
    }

    // ---- the writer role ----

    /** Drains the queue: called on a writer thread, or inline by the reader. */
    void drain(boolean inline) {
        writeLock.lock();
        int taken = 0;
        int sessionFrames;
        try {
            for (int round = 0; ; round++) {
                boolean writeClose;
                CloseReason closeWith;
                int control;
                lock.lock();
                try {
                    boolean work = queue.size() > 0 || pongCount > 0 || pingRequested || closeAfterData
                            || session != null && session.wantsWrite();
                    if (outputClosed || !work) {
                        idleLocked();
                        return;
                    }
                    if (inline && round > 0) {
                        // The reader wrote one batch without a hop; more arrived meanwhile: a writer thread takes it.
                        core.spawn("writer", () -> drain(false));
                        return;
                    }
                    control = encodeControlLocked();
                    sessionFrames = session == null ? 0 : session.encode(obuf, FrameWriter.BATCH);
                    taken = writer.take(queue);
                    inFlight = taken;
                    if (taken > 0) {
                        notFull.signalAll();
                    }
                    writeClose = closeAfterData && queue.size() == 0 && (session == null || !session.hasData());
                    closeWith = closeFrame;
                    if (taken == 0 && obuf.size == 0 && !writeClose) {
                        idleLocked();
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                int frames = writer.encode(taken, peerMaxFrame, control) + sessionFrames;
                if (writeClose && closeWith != null) { // the line framing's is a last line with the reason
                    frames += session == null ? 0 : session.beforeClose(obuf);
                    framing.encodeClose(obuf, closeWith.kind().code(), closeWith.message());
                    frames++;
                }
                writer.flush(frames);
                if (session != null) {
                    session.written();
                }
                settle(taken, null);
                taken = 0;
                if (writeClose) {
                    lock.lock();
                    try {
                        outputClosed = true;
                    } finally {
                        lock.unlock();
                    }
                    core.shutdownOutput();
                }
            }
        } catch (IOException | RuntimeException e) {
            writeFailed(e, taken);
            lock.lock();
            try {
                outputClosed = true;
                idleLocked();
            } finally {
                lock.unlock();
            }
        } finally {
            obuf.size = 0;
            writeLock.unlock();
        }
    }

    private void idleLocked() {
        writerActive = false;
        writerIdle.signalAll();
    }

    /** Encodes the PONGs owed and a requested PING ahead of the data; returns how many frames that is. */
    private int encodeControlLocked() {
        int frames = pongCount;
        for (int i = 0; i < pongCount; i++) {
            framing.encodePong(obuf, pongs[i]);
        }
        pongCount = 0;
        if (pingRequested) {
            pingRequested = false;
            long nonce = clock.nanoTime();
            framing.encodePing(obuf, nonce);
            pings.sent(nonce);
            frames++;
        }
        return frames;
    }

    private void settle(int taken, @Nullable Throwable error) {
        writer.settle(taken, error);
        lock.lock();
        try {
            inFlight = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void writeFailed(Exception e, int taken) {
        if (core.closeReason() == null) {
            CloseReason reason = e instanceof IOException io ? core.failure(io)
                    : new CloseReason(Kind.IO_ERROR, false, "write failed: " + e, e);
            core.abort(reason, false);
        }
        settle(taken, new ConnectionClosedException(core.requireCloseReason()));
        core.closeTransport();
    }

    /**
     * Writes a CLOSE frame once no writer is busy, waiting up to {@code waitNanos} (0: not at all) for the one that is
     * (its batch is the last: the output is already closed to new work); gives up after that.
     */
    void tellPeer(CloseReason reason, long waitNanos) {
        try {
            if (!(waitNanos > 0 ? writeLock.tryLock(waitNanos, TimeUnit.NANOSECONDS) : writeLock.tryLock())) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            writer.writeClose(reason);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: could not tell the peer why: {}", core.logName(), e.toString());
        } finally {
            writeLock.unlock();
        }
    }

    /** Waits until no writer is busy, or the deadline. */
    void awaitWriterIdle(long deadline) {
        lock.lock();
        try {
            while (writerActive) {
                long wait = deadline - clock.nanoTime();
                if (wait <= 0) {
                    return;
                }
                writerIdle.awaitNanos(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the write buffer and queue arrays of a connection that has been idle for an interval. */
    void trimIdle(long now, long interval) {
        long idleFor = Math.min(interval, TimeUnit.SECONDS.toNanos(1));
        if (now - writer.lastWriteNanos() < idleFor || !writeLock.tryLock()) {
            return;
        }
        try {
            lock.lock();
            try {
                if (queue.size() == 0 && inFlight == 0 && !writerActive) {
                    queue.release();
                    writer.trim();
                }
            } finally {
                lock.unlock();
            }
        } finally {
            writeLock.unlock();
        }
    }
}
