package dev.vigil.internal.conn;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.ConnectionClosedException;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.jfr.VigilEvents;
import dev.vigil.internal.wire.Framing;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's outbound side: the queue with its backpressure, and the writer role that drains it.
 *
 * <p>Whoever takes the writer role (under the writer's lock) drains the queue: control frames first (PONGs owed, then
 * a PING), then up to {@value #BATCH} messages encoded straight into one buffer and written with one call; the CLOSE
 * frame goes last, after every message queued before it, and nothing is written after it. When the queue was idle
 * and the sender is the connection's own reader (a reply from {@code onMessage}) the reader writes inline, with no
 * thread hop, and all replies to the frames of one read leave in one write. Any other sender that may wait (policy
 * BLOCK) and finds the queue idle writes its message itself, direct, and gets the shared {@link Written#DONE}; a
 * caller that wrote inline and finds more work after its one batch, or a sender that found a writer busy or may not
 * wait, asks the I/O side for a writer ({@code spawn("writer")}), one hop. The reader's replies during a read are
 * encoded at once and share one future ({@link HeldReplies}). A PING due goes out on the shared timer thread
 * itself, with no writer started, only when the write side is idle and the write cannot block: the peer answered our
 * last PING and at most {@value ControlFrames#TIMER_WRITE_BUDGET} bytes went out since ({@link #requestPing}).
 *
 * <p>{@code lock} guards the queue, the writer flag and the connection's state (the core moves its state under it).
 */
final class Outbound<M> {
    final ConnectionCore<M> core;
    private final Framing framing;
    private final Clock clock;
    private final int maxQueued;

    final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition writerIdle = lock.newCondition();
    final SendQueue queue;
    int inFlight;
    boolean writerActive;
    boolean outputClosed;
    final ControlFrames control;
    private boolean closeAfterData;
    private @Nullable CloseReason closeFrame;
    private volatile long peerMaxFrame;
    /** The connection's session part; null without a session policy (set before the connection starts). */
    @Nullable SessionLink<M> session;
    /** Bytes another thread may write direct since the peer last sent something, before it queues instead. */
    static final int DIRECT_BUDGET = 16 * 1024;
    private volatile long bytesOutAtRead; // the writer's byte count when the peer last sent something
    /** The reader is delivering the frames of one read; replies it sends wait for the end of it. Reader only. */
    private boolean holding;
    boolean flushOwed; // the reader holds the writer role for replies sent while holding; reader only

    /** Writes frames, holds the write side's lock; its counters (frames, bytes, a write in progress) are read there. */
    final FrameWriter<M> writer;
    private final HeldReplies<M> held;

    Outbound(ConnectionCore<M> core, MessageCodec<M> codec, Framing framing, MetricsObserver metrics, Clock clock,
             int maxQueued, int maxFrameSize, Pings pings) {
        this.core = core;
        this.framing = framing;
        this.clock = clock;
        this.writer = new FrameWriter<>(core, codec, framing, metrics, clock);
        this.held = new HeldReplies<>(this, writer);
        this.maxQueued = maxQueued;
        this.queue = new SendQueue(maxQueued);
        this.peerMaxFrame = maxFrameSize;
        this.control = new ControlFrames(framing, clock, pings);
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
        writer.writeHello(hello);
    }

    /** Writes a CLOSE frame once no writer is busy, waiting up to {@code waitNanos} (0: not at all). */
    void tellPeer(CloseReason reason, long waitNanos) {
        writer.tellPeer(reason, waitNanos);
    }

    // ---- adding work ----

    /**
     * Sends a message on a connection without a session. When nothing is queued or being written, and the caller
     * may wait for the socket (the connection's own reader outside a read's replies, or any other thread whose policy
     * is {@link BackpressurePolicy#BLOCK}), the caller writes it at once on its own thread and gets the shared
     * completed future. Else it is queued with a future of its own. Such a write can block on a peer that does not
     * read; so another thread writes direct only while under {@value #DIRECT_BUDGET} bytes went out since the peer
     * last sent something (request/response stays far below), so a deaf peer fills the queue, not the caller's time.
     */
    CompletableFuture<Void> send(M message, BackpressurePolicy policy) {
        if (holding && core.onReader() && held.claim()) {
            return held.add(message, peerMaxFrame);
        }
        boolean mayWrite = core.onReader() ? !holding : policy == BackpressurePolicy.BLOCK
                && writer.bytesOut() - bytesOutAtRead < DIRECT_BUDGET;
        if (mayWrite && claimDirect()) {
            Throwable failed = drain(true, message);
            return failed == null ? Written.DONE : CompletableFuture.failedFuture(failed);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        enqueue(message, future, policy);
        return future;
    }

    /** Takes the writer role for a direct write if the outbound side is idle. */
    private boolean claimDirect() {
        lock.lock();
        try {
            if (writerActive || queue.size() > 0 || session != null || outputClosed || core.closeReason() != null) {
                return false;
            }
            writerActive = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void enqueue(Object message, CompletableFuture<Void> future, BackpressurePolicy policy) { // M or a Broadcast
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
            control.pong(nonce);
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

    /**
     * Asks for a PING, ahead of queued data; from the shared timer thread. The timer writes it itself, with no thread
     * started, when the write side is idle (its lock free, no writer, nothing queued, no session) and the write cannot
     * block ({@link ControlFrames#timerMayWrite}); else a writer thread does, as for any other frame.
     */
    void requestPing() {
        boolean locked = writer.lock.tryLock(), timer = false, spawn = false;
        try {
            lock.lock();
            try {
                if (outputClosed || core.closeReason() != null) {
                    return;
                }
                control.ping();
                if (!writerActive) {
                    writerActive = true;
                    timer = locked && queue.size() == 0 && !closeAfterData && session == null
                            && control.timerMayWrite(writer.bytesOut());
                    spawn = !timer;
                }
            } finally {
                lock.unlock();
            }
            if (timer) {
                drain(true, null); // one batch; work that arrives meanwhile goes to a writer thread
            } else {
                startWriting(false, spawn);
            }
        } finally {
            if (locked) {
                writer.lock.unlock();
            }
        }
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
        held.failLocked(reason);
        if (queue.size() > 0) {
            queue.failAll(new ConnectionClosedException(reason));
        }
        notFull.signalAll();
    }

    /** The reader starts delivering the frames of one read: replies wait for {@link #releaseReplies}. */
    void holdReplies() {
        holding = true;
        bytesOutAtRead = writer.bytesOut();
    }

    /** The reader has delivered one read's frames: the replies they earned leave in one write. */
    void releaseReplies() {
        holding = false;
        if (held.active()) {
            held.flush();
        }
        if (flushOwed) {
            flushOwed = false;
            drain(true, null);
        }
    }

    void startWriting(boolean inline, boolean spawn) {
        if (inline) {
            if (holding) {
                flushOwed = true;
            } else {
                drain(true, null);
            }
        } else if (spawn) {
            core.spawn("writer", () -> drain(false, null));
        }
    }

    // ---- the writer role ----

    /**
     * Drains the queue: called on a writer thread, or inline by the reader or a direct sender, whose message
     * ({@code direct}, not queued) goes first after the control frames; returns why that one failed, or null.
     */
    @Nullable Throwable drain(boolean inline, @Nullable M direct) {
        writer.lock.lock();
        Throwable directFailed = null;
        int taken = 0;
        int sessionFrames;
        try {
            for (int round = 0; ; round++) {
                boolean writeClose;
                CloseReason closeWith;
                int controlFrames;
                lock.lock();
                try {
                    boolean work = direct != null || queue.size() > 0 || control.owed() || closeAfterData
                            || session != null && session.wantsWrite();
                    if (outputClosed || !work) {
                        idleLocked();
                        return direct != null ? closed() : directFailed;
                    }
                    if (inline && round > 0) {
                        // The caller wrote one batch without a hop; more arrived meanwhile: a writer thread takes it.
                        core.spawn("writer", () -> drain(false, null));
                        return directFailed;
                    }
                    controlFrames = control.encode(writer.buffer, writer.bytesOut());
                    sessionFrames = session == null ? 0 : session.encode(writer.buffer, FrameWriter.BATCH);
                    taken = writer.take(queue);
                    inFlight = taken;
                    if (taken > 0) {
                        notFull.signalAll();
                    }
                    writeClose = closeAfterData && queue.size() == 0 && (session == null || !session.hasData());
                    closeWith = closeFrame;
                    if (taken == 0 && writer.buffer.size == 0 && !writeClose && direct == null) {
                        idleLocked();
                        return directFailed;
                    }
                } finally {
                    lock.unlock();
                }
                if (direct != null) {
                    directFailed = writer.encodeOne(direct, peerMaxFrame);
                    controlFrames += directFailed == null ? 1 : 0;
                }
                int frames = writer.encode(taken, peerMaxFrame, controlFrames) + sessionFrames;
                if (writeClose && closeWith != null) { // the line framing's is a last line with the reason
                    frames += session == null ? 0 : session.beforeClose(writer.buffer);
                    framing.encodeClose(writer.buffer, closeWith.kind().code(), closeWith.message());
                    frames++;
                }
                writer.flush(frames);
                direct = null;
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
            return direct == null ? directFailed : closed(); // the direct message, if any, was not written
        } finally {
            writer.buffer.size = 0;
            writer.lock.unlock();
        }
    }

    /** {@return the failure of a direct send that found the output closed} */
    Throwable closed() {
        CloseReason reason = core.closeReason();
        return new ConnectionClosedException(reason != null ? reason : Objects.requireNonNull(closeFrame));
    }

    private void idleLocked() {
        writerActive = false;
        writerIdle.signalAll();
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

    void writeFailed(Exception e, int taken) {
        if (core.closeReason() == null) {
            CloseReason reason = e instanceof IOException io ? core.failure(io)
                    : new CloseReason(Kind.IO_ERROR, false, "write failed: " + e, e);
            core.abort(reason, false);
        }
        settle(taken, new ConnectionClosedException(core.requireCloseReason()));
        core.closeTransport();
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
}
