package dev.vigil.internal.conn;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionState;
import dev.vigil.ConnectionStats;
import dev.vigil.Delivery;
import dev.vigil.MetricsObserver;
import dev.vigil.RttStats;
import dev.vigil.internal.Settings;
import dev.vigil.internal.jfr.VigilEvents;
import dev.vigil.internal.wire.Fatal;
import dev.vigil.internal.wire.Framing;
import dev.vigil.internal.wire.InboundBuffer;
import dev.vigil.internal.wire.Wire;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection's rules, without I/O: bytes in, bytes out through {@link #write}, and {@link #onTimer} returning the
 * next deadline. It starts no thread and reads no clock but the one it is given; the socket side (or a test's
 * {@code EmbeddedConnection}) reads, implements the {@link Transport} hooks, and calls the driver methods from one
 * reader thread.
 *
 * <p>Its rules: the states only move forward (CONNECTING, ACTIVE, CLOSING, CLOSED) except ACTIVE and SUSPECT, which
 * go both ways; the first close reason wins and every later one is ignored; PONG and PING go ahead of queued data;
 * the CLOSE frame is the last frame written; replies owed to frames before a fatal one go out before the CLOSE; a
 * handshake not finished within the handshake timeout, and a close not finished within the close timeout, are cut.
 *
 * <p>Threads: the driver methods ({@link #start}, {@link #readStarting}, {@link #readDone}, {@link #finish}) come
 * from the reader; {@link #onTimer} from the timer; {@code send} and {@code close} from anyone.
 *
 * @param <M> the type of messages
 */
public abstract class ConnectionCore<M> implements Connection<M>, Transport {
    /** A deadline that never comes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final long WRITER_GONE_WAIT = TimeUnit.SECONDS.toNanos(2);

    private final Settings<M> settings;
    final HeartbeatJudge heartbeat;
    private final MetricsObserver metrics;
    private final Clock clock;
    private final Framing framing;
    private final long id;
    private final boolean client;
    private final byte[] hello;
    private final long createdNanos;
    private final long createdWallMillis;
    final Dispatch<M> dispatch;
    final Pings pings;
    final Outbound<M> outbound;
    final Inbound<M> inbound;
    final Timing<M> timing;
    final Closing<M> closing;
    final Guards guards;
    private final CompletableFuture<Connection<M>> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    private volatile @Nullable Object attachment;
    private volatile @Nullable Thread reader;
    private boolean openCalled;

    /**
     * @param settings  the manager's settings (codec, limits, timeouts)
     * @param listener  hears this connection's events
     * @param heartbeat this connection's heartbeat decision
     * @param metrics   the metrics observer, already guarded against throwing
     * @param clock     the time every decision is made on
     * @param hello     this side's HELLO, for a framing that has one
     */
    @SuppressWarnings("this-escape") // the parts keep a reference to this; none calls back before start()
    protected ConnectionCore(Settings<M> settings, ConnectionListener<M> listener, HeartbeatJudge heartbeat,
                             MetricsObserver metrics, Clock clock, long id, boolean client, byte[] hello) {
        this.settings = settings;
        this.heartbeat = heartbeat;
        this.metrics = metrics;
        this.clock = clock;
        this.framing = Framing.of(settings.codec().framing(), settings.maxFrameSize());
        this.id = id;
        this.client = client;
        this.hello = hello;
        this.createdNanos = clock.nanoTime();
        this.createdWallMillis = System.currentTimeMillis();
        this.dispatch = new Dispatch<>(this, listener);
        this.pings = new Pings(createdNanos);
        this.outbound = new Outbound<>(this, settings.codec(), framing, metrics, clock,
                settings.maxQueuedMessages(), settings.maxFrameSize(), pings);
        this.inbound = new Inbound<>(this, settings.codec(), framing, metrics, settings.maxFrameSize(),
                new PingEnforcer(settings.minPeerPingInterval().toNanos(), settings.maxPingStrikes()));
        this.timing = new Timing<>(this, heartbeat, outbound, createdNanos,
                createdNanos + settings.handshakeTimeout().toNanos(), !framing.hasHello() && !client);
        this.closing = new Closing<>(this, outbound, clock, settings.closeTimeout().toNanos());
        this.guards = new Guards(this, settings.guards(), createdNanos, framing.hasHello() ? Wire.HEADER : 1);
    }

    // ---- driver: the reader ----

    /** Starts the connection on the reader thread: sends the HELLO, or opens at once in a framing without one. */
    public final void start() throws IOException {
        reader = Thread.currentThread();
        Guards.ownedBy(this);
        inbound.buffer.allocate();
        if (framing.hasHello()) {
            schedule(timing.handshakeDeadline());
            outbound.writeHello(outbound.session == null ? hello : outbound.session.hello(hello, clock.nanoTime()));
        } else {
            try {
                open();
            } catch (Fatal f) {
                abort(f.reason, true);
            }
        }
    }

    /** The buffer the reader reads into, after {@link #readStarting}. */
    public final InboundBuffer inbound() {
        return inbound.buffer;
    }

    /** The reader is about to wait for bytes: silence is measured from now, while it waits. */
    public final void readStarting() {
        inbound.buffer.prepareRead();
        timing.waiting(clock.nanoTime());
    }

    /**
     * The reader's wait ended: {@code n} bytes arrived at the buffer's write index (-1: the peer sent FIN).
     *
     * @param space the room the read had
     * @return whether to read again
     */
    public final boolean readDone(int n, int space) {
        timing.notWaiting();
        if (n < 0) {
            closing.endOfStream(inbound.endOfStream(), framing.hasCloseFrame());
            return false;
        }
        if (n == 0) {
            return true;
        }
        long now = clock.nanoTime();
        inbound.arrived(n, space, now);
        return ReadPath.decode(this, now);
    }

    /** {@return how long the reader waits before it reads again (over its data rate); 0: read now, -1: stop} */
    public final long readPause() {
        return ReadPath.pause(this, clock);
    }

    /** The read failed; {@code reason} says how (ignored if the connection is already ending). */
    public final void readFailed(CloseReason reason) {
        abort(reason, false); // a no-op if a reason came first
    }

    void open() throws Fatal {
        long now = clock.nanoTime();
        inbound.opened(now);
        outbound.lock.lock();
        try {
            CloseReason reason = closeReason.get();
            if (reason != null) {
                throw new Fatal(reason.kind(), reason.message());
            }
            state = ConnectionState.ACTIVE;
        } finally {
            outbound.lock.unlock();
        }
        timing.opened(now);
        registered();
        metrics.opened(this);
        VigilEvents.opened(this);
        schedule(now);
        openCalled = true;
        dispatch.open();
        opened.complete(this);
    }

    void firstFrame() {
        timing.firstFrame();
    }

    /** Runs on the reader thread, once, whatever ended the connection; delivers {@code onClose} last. */
    public final void finish() {
        try {
            end();
        } finally {
            Guards.ownedBy(null); // even if a callback threw an Error: the thread's entry must not outlive it
        }
    }

    private void end() {
        CloseReason reason = closeReason.get();
        if (reason == null) {
            abort(new CloseReason(Kind.IO_ERROR, false, "reader ended without a reason", null), false);
            reason = requireCloseReason();
        }
        // Let the writer flush what was accepted and send the CLOSE frame, up to the close deadline.
        long now = clock.nanoTime();
        long deadline = closing.deadline();
        outbound.awaitWriterIdle(deadline == NO_DEADLINE ? now
                : Math.min(deadline, now + settings.closeTimeout().toNanos()));
        closeTransport();
        outbound.awaitWriterIdle(clock.nanoTime() + WRITER_GONE_WAIT);
        outbound.lock.lock();
        try {
            outbound.closeOutputLocked(reason);
            state = ConnectionState.CLOSED;
        } finally {
            outbound.lock.unlock();
        }
        schedule(NO_DEADLINE);
        guards.close();
        unregistered();
        if (openCalled) {
            metrics.closed(this, reason);
            VigilEvents.closed(this, reason, clock.nanoTime() - inbound.lastArrival(), rtt());
        } else {
            metrics.handshakeFailed(remoteAddress(), reason);
        }
        dispatch.close(reason, openCalled);
        opened.completeExceptionally(new ConnectionClosedException(reason));
        inbound.buffer.release();
        terminated.complete(null);
    }

    // ---- driver: the timer ----

    /**
     * The timer's call: judges handshake, close and heartbeat deadlines at {@code now}.
     *
     * @param pauses what the timer measured of this JVM's own stalls
     * @return the next deadline, or {@link #NO_DEADLINE}
     */
    public final long onTimer(long now, Pauses pauses) {
        long next = timing.onTimer(now, pauses, state);
        next = guards.onTimer(now, next, state, timing.readerWaiting(), outbound.writer.bytesOut(),
                outbound.writer.pending());
        return outbound.session == null ? next : outbound.session.onTimer(now, next);
    }

    // ---- ending ----

    void beginClose(CloseReason reason) {
        closing.begin(reason);
    }

    @Override
    public void close() {
        closing.graceful(CloseReason.local(Kind.CLOSED_LOCALLY, "the application closed the connection"));
    }

    @Override
    public void reject(String reason) {
        closing.reject(CloseReason.local(Kind.REJECTED, Objects.requireNonNull(reason, "reason")));
    }

    /** Graceful close for a shutting-down manager; a no-op if the connection is already ending. */
    public final void shutdown(String message) {
        closing.graceful(CloseReason.local(Kind.SHUTDOWN, message));
    }

    /** Ends the connection at once: queued messages fail, the transport closes. Only the first reason counts. */
    public final boolean abort(CloseReason reason, boolean tellPeer) {
        if (!claim(reason)) {
            return false;
        }
        closeOutput(reason);
        if (tellPeer && onReader()) {
            outbound.tellPeer(reason, 0);
        }
        closeTransport();
        return true;
    }

    /** Makes {@code reason} the close reason if there is none yet, and logs it; false if another came first. */
    boolean claim(CloseReason reason) {
        if (!closeReason.compareAndSet(null, reason)) {
            return false;
        }
        settings.guards().logClose(this, reason, clock.nanoTime());
        return true;
    }

    /** Moves to CLOSING unless already CLOSED; the caller holds the outbound lock. */
    void markClosingLocked() {
        if (state != ConnectionState.CLOSED) {
            state = ConnectionState.CLOSING;
        }
    }

    /** Moves to CLOSING and fails what is queued; no writer round starts after this. */
    void closeOutput(CloseReason reason) {
        outbound.lock.lock();
        try {
            markClosingLocked();
            outbound.closeOutputLocked(reason);
        } finally {
            outbound.lock.unlock();
        }
    }

    boolean heartbeatTimeout(CloseReason reason, long now) {
        return closing.heartbeatTimeout(reason, now);
    }

    long closeDeadline() {
        return closing.deadline();
    }

    /** Forces the transport closed; the reader then runs {@link #finish}. */
    public final void forceClose() {
        closeTransport();
    }

    /** Moves between the two open states; false if the connection was not in {@code from} (it may be closing). */
    boolean transition(ConnectionState from, ConnectionState to) {
        outbound.lock.lock();
        try {
            if (state != from) {
                return false;
            }
            state = to;
            return true;
        } finally {
            outbound.lock.unlock();
        }
    }

    /** {@return how log lines name this connection: {@code conn-42 /127.0.0.1:7000}} */
    public final String logName() {
        return name() + " " + remoteAddress();
    }

    // ---- for the parts ----

    boolean onReader() {
        return Thread.currentThread() == reader;
    }

    CloseReason requireCloseReason() {
        return Objects.requireNonNull(closeReason.get());
    }

    String name() {
        return "conn-" + id; // made when needed: idle connections hold no string for it
    }

    Settings<M> settings() {
        return settings;
    }

    // ---- Connection ----

    /** Completes when the handshake does, or fails with why it did not. */
    public final CompletableFuture<Connection<M>> opened() {
        return opened;
    }

    /** Completes once the connection is closed and {@code onClose} has returned. */
    public final CompletableFuture<Void> terminated() {
        return terminated;
    }

    @Override
    public CompletableFuture<Void> send(M message) {
        return SessionSends.send(outbound, Objects.requireNonNull(message, "message"), sendPolicy());
    }

    @Override
    public Delivery sendConfirmed(M message) {
        return SessionSends.confirmed(outbound, Objects.requireNonNull(message, "message"), sendPolicy());
    }

    /** On another connection's thread BLOCK acts as FAIL: a deaf peer must not stall those who talk to it. */
    private BackpressurePolicy sendPolicy() {
        BackpressurePolicy policy = settings.backpressure();
        return policy == BackpressurePolicy.BLOCK && Guards.onAnotherConnection(this) ? BackpressurePolicy.FAIL
                : policy;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public boolean isClient() {
        return client;
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    @Override
    public @Nullable CloseReason closeReason() {
        return closeReason.get();
    }

    @Override
    public RttStats rtt() {
        return heartbeat.rtt();
    }

    @Override
    public ConnectionStats stats() {
        long framesIn = inbound.framesIn();
        Instant lastFrame = framesIn == 0 ? null : Instant.ofEpochMilli(createdWallMillis
                + TimeUnit.NANOSECONDS.toMillis(inbound.lastFrameNanos() - createdNanos));
        return new ConnectionStats(framesIn, outbound.writer.framesOut(), inbound.bytesIn(), outbound.writer.bytesOut(),
                outbound.queued(), lastFrame);
    }

    @Override
    public @Nullable Object attachment() {
        return attachment;
    }

    @Override
    public void attach(@Nullable Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "Connection[" + name() + " " + (client ? "to " : "from ") + remoteAddress() + ", " + state + "]";
    }
}
