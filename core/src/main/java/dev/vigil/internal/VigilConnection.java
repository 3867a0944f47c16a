package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ConnectionState;
import dev.vigil.ConnectionStats;
import dev.vigil.RttStats;
import dev.vigil.internal.jfr.VigilEvents;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection: a reader virtual thread that owns the socket's input and every listener call, an outbound queue
 * that any thread may add to, and a heartbeat task on the manager's timer.
 *
 * <p><b>Reading.</b> The reader reads into one buffer, decodes every complete frame in it, then reads again. The
 * buffer starts small and adapts: it doubles when reads fill it and halves after a run of small reads, so an idle
 * connection holds {@value #MIN_READ_BUFFER} bytes.
 *
 * <p><b>Writing.</b> {@link #send} queues the message. Whoever takes the writer role (under {@code writeLock}) drains
 * the queue: control frames first, then up to {@value #BATCH} messages encoded straight into one buffer and written
 * with one call. When the queue was idle and the sender is this connection's own reader (a reply from
 * {@code onMessage}) the reader writes inline, with no thread hop; otherwise a short-lived writer virtual thread is
 * started, one hop.
 *
 * <p><b>Heartbeat.</b> The reader records when it starts waiting for bytes; the timer task measures silence from
 * then, and only while the reader is actually waiting (a reader busy in a callback proves nothing about the peer).
 *
 * <p><b>Ending.</b> The first reason wins (an atomic reference); the reader always runs {@link #finish}, which
 * delivers {@code onClose} last.
 */
final class VigilConnection<M> implements Connection<M>, HeartbeatTimer.Task {
    private static final Logger log = LoggerFactory.getLogger(VigilConnection.class);

    static final int MIN_READ_BUFFER = 512;
    private static final int MAX_ADAPTIVE_READ_BUFFER = 64 * 1024;
    private static final int WRITE_CHUNK = 64 * 1024;
    private static final int BATCH = 64;
    private static final long DEFER = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long TELL_PEER_WAIT = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long EOF_WRITER_WAIT = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long WRITER_GONE_WAIT = TimeUnit.SECONDS.toNanos(2);
    private static final Object[] NO_ENTRIES = new Object[0];
    /** What a side that did not start the close sends back: code 2, CLOSED_BY_PEER. */
    private static final CloseReason ANSWER = CloseReason.local(Kind.CLOSED_BY_PEER, "closing as the peer asked");

    private final DefaultConnectionManager<M> manager;
    private final Settings<M> s;
    private final Socket socket;
    /** The TCP socket under {@link #socket} (the same one without TLS): closing it never blocks on a TLS alert. */
    private final Socket raw;
    private final dev.vigil.MetricsObserver metrics;
    private final boolean client;
    private final long id;
    private final String name;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    private final boolean lineMode;
    private final Ticker ticker;
    private final HeartbeatTimer timer;
    private final HeartbeatTimer.Entry timerEntry;
    private final long createdNanos;
    private final long createdWallMillis;
    private final CompletableFuture<Connection<M>> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    private volatile @Nullable Object attachment;

    // ---- reader side: touched only by the reader thread unless volatile ----
    private volatile @Nullable Thread reader;
    private @Nullable InputStream in;
    private byte[] rbuf = new byte[0];
    private int rpos;
    private int rlim;
    private int scanned;
    private int smallReads;
    private boolean openCalled;
    /** The reader is delivering the frames of one read; replies it sends wait for the end of it ({@link #flushOwed}). */
    private boolean decoding;
    /** The reader holds the writer role for replies sent while {@link #decoding}. */
    private boolean flushOwed;
    private long lastArrival;
    private long peerLastPing = Long.MIN_VALUE;
    private int pingStrikes;
    private volatile long quietSince;
    /** A line-mode server connection must send a complete line within the handshake timeout (slowloris). */
    private volatile boolean awaitingFirstLine;
    private volatile boolean readerWaiting;
    private volatile long framesIn;
    private volatile long bytesIn;
    private volatile long lastFrameNanos;
    private final RttEstimator rtt = new RttEstimator();

    // ---- heartbeat: the decision is the timer thread's; the reader only feeds it gaps ----
    private final Liveness liveness;
    private long handshakeDeadline;
    private long closeDeadline = HeartbeatTimer.STOP;
    private volatile long pingNonce;
    private volatile boolean pingOutstanding;
    private volatile long pingsSent;
    private volatile long pongsReceived;

    // ---- outbound: under lock ----
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition notFull = lock.newCondition();
    private final java.util.concurrent.locks.Condition writerIdle = lock.newCondition();
    private final SendQueue queue;
    private int inFlight;
    private boolean writerActive;
    private boolean outputClosed;
    private boolean pingRequested;
    private long[] pongs = new long[0];
    private int pongCount;
    private boolean closeAfterData;
    private @Nullable CloseReason closeFrame;
    private long peerMaxFrame;

    // ---- the writer role: under writeLock ----
    private final ReentrantLock writeLock = new ReentrantLock();
    private @Nullable OutputStream out;
    private final OutBuffer obuf = new OutBuffer();
    private Object[] batch = NO_ENTRIES;
    private volatile long framesOut;
    private volatile long bytesOut;
    private volatile long lastWriteNanos;

    // ---- listener calls ----
    private final ReentrantLock callbackLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean eventDrainScheduled = new AtomicBoolean();
    private boolean closeDelivered;

    VigilConnection(DefaultConnectionManager<M> manager, Settings<M> settings, Socket socket, Socket raw,
                    boolean client, long id, HeartbeatTimer timer, Ticker ticker) {
        this.manager = manager;
        this.s = settings;
        this.socket = socket;
        this.raw = raw;
        this.awaitingFirstLine = settings.lineMode() && !client;
        this.client = client;
        this.id = id;
        this.name = "conn-" + id;
        this.localAddress = (InetSocketAddress) socket.getLocalSocketAddress();
        this.remoteAddress = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.lineMode = settings.lineMode();
        this.ticker = ticker;
        this.timer = timer;
        this.timerEntry = new HeartbeatTimer.Entry(this);
        this.liveness = new Liveness(Detector.of(settings.heartbeat()));
        this.metrics = manager.metrics();
        this.queue = new SendQueue(settings.maxQueuedMessages());
        this.peerMaxFrame = settings.maxFrameSize();
        this.createdNanos = ticker.nanoTime();
        this.createdWallMillis = System.currentTimeMillis();
        this.quietSince = createdNanos;
        this.handshakeDeadline = createdNanos + settings.handshakeTimeout().toNanos();
    }

    // =====================================================================================================
    // Reader
    // =====================================================================================================

    /** The reader thread's whole life. */
    void run() {
        reader = Thread.currentThread();
        try {
            in = socket.getInputStream();
            out = socket.getOutputStream();
            rbuf = new byte[MIN_READ_BUFFER];
            if (lineMode) {
                open();
            } else {
                timer.schedule(timerEntry, handshakeDeadline);
                handshake();
                open();
            }
            readLoop();
        } catch (Fatal f) {
            abort(f.reason, true);
        } catch (IOException e) {
            readFailed(e);
        } catch (RuntimeException | Error e) {
            log.error("{} {}: reader failed unexpectedly", name, remoteAddress, e);
            abort(new CloseReason(Kind.IO_ERROR, false, "internal error: " + e, e), false);
        } finally {
            finish();
        }
    }

    private void handshake() throws IOException, Fatal {
        writeLock.lock();
        try {
            byte[] hello = manager.hello();
            Objects.requireNonNull(out).write(hello);
            bytesOut = bytesOut + hello.length;
        } finally {
            writeLock.unlock();
        }
        while (true) {
            int avail = rlim - rpos;
            if (avail > 0) {
                String bad = Wire.checkMagic(rbuf, rpos, avail);
                if (bad != null) {
                    throw new Fatal(Kind.PROTOCOL_ERROR, bad);
                }
            }
            if (avail >= Wire.HELLO_FIXED) {
                int optLen = (rbuf[rpos + 6] & 0xff) << 8 | (rbuf[rpos + 7] & 0xff);
                if (optLen > Wire.MAX_HELLO_OPTIONS) {
                    throw new Fatal(Kind.PROTOCOL_ERROR, "HELLO declares " + optLen + " bytes of options (at most "
                            + Wire.MAX_HELLO_OPTIONS + ")");
                }
                int total = Wire.HELLO_FIXED + optLen;
                if (avail >= total) {
                    Wire.Hello hello;
                    try {
                        hello = Wire.parseHello(rbuf, rpos, optLen);
                    } catch (Wire.ProtocolException e) {
                        throw new Fatal(Kind.PROTOCOL_ERROR, e.getMessage());
                    }
                    rpos += total;
                    if (hello.refusing()) {
                        refused();
                    }
                    negotiate(hello);
                    return;
                }
                makeRoom(total);
            }
            if (fill() < 0) {
                throw new Fatal(Kind.PROTOCOL_ERROR, "peer closed the connection during the handshake");
            }
        }
    }

    /** The peer refused us in its HELLO: wait for its CLOSE frame and end with the reason it gives. */
    private void refused() throws IOException, Fatal {
        while (true) {
            int avail = rlim - rpos;
            if (avail >= Wire.HEADER) {
                int len = Wire.getInt(rbuf, rpos);
                if (rbuf[rpos + 4] != Wire.CLOSE || len < 2 || len > 2 + Wire.MAX_CLOSE_TEXT) {
                    throw new Fatal(Kind.PROTOCOL_ERROR, "peer refused the connection without a valid CLOSE frame");
                }
                if (avail >= Wire.HEADER + len) {
                    int p = rpos + Wire.HEADER;
                    rpos += Wire.HEADER + len;
                    peerClosed(p, len);
                    VigilEvents.handshakeRefused(remoteAddress, Objects.requireNonNull(closeReason.get()).message(),
                            true);
                    throw new Fatal(Objects.requireNonNull(closeReason.get()).kind(), "refused by the peer");
                }
                makeRoom(Wire.HEADER + len);
            }
            if (fill() < 0) {
                throw new Fatal(Kind.REJECTED, "peer refused the connection");
            }
        }
    }

    private void negotiate(Wire.Hello hello) throws Fatal {
        if (hello.version() < 1) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "peer speaks protocol version " + hello.version()
                    + " (supported: " + Wire.VERSION + ")");
        }
        // Both sides announce the highest version they speak; the lower one is used. Version 1 is all there is.
        if (hello.maxFrame() > 0) {
            peerMaxFrame = Math.min(s.maxFrameSize(), hello.maxFrame());
        }
        long minPing = TimeUnit.MILLISECONDS.toNanos(hello.minPingMs());
        long own = liveness.pingAfter();
        if (own != Detector.NEVER && own < minPing) {
            manager.warnIntervalRaised(own, minPing, remoteAddress);
            liveness.raisePingInterval(minPing);
        }
    }

    private void open() throws Fatal {
        long now = ticker.nanoTime();
        quietSince = now;
        lastArrival = now;
        synchronizedStateOpen();
        manager.opened(this);
        metrics.opened(this);
        VigilEvents.opened(this);
        timer.schedule(timerEntry, now);
        openCalled = true;
        callbackLock.lock();
        try {
            s.listener().onOpen(this);
        } catch (Throwable t) {
            callbackFailed("onOpen", t);
        } finally {
            callbackLock.unlock();
        }
        opened.complete(this);
    }

    private void synchronizedStateOpen() throws Fatal {
        lock.lock();
        try {
            if (closeReason.get() != null) {
                throw new Fatal(closeReason.get().kind(), closeReason.get().message());
            }
            state = ConnectionState.ACTIVE;
        } finally {
            lock.unlock();
        }
    }

    private void readLoop() throws IOException, Fatal {
        long bytesReported = 0;
        while (true) {
            long framesBefore = framesIn;
            decoding = true;
            try {
                if (lineMode) {
                    decodeLines();
                } else {
                    decodeFrames();
                }
            } finally {
                decoding = false;
                // Replies owed to the frames before a fatal one still go out, ahead of the CLOSE that follows.
                if (flushOwed) {
                    flushOwed = false;
                    drain(true);
                }
            }
            int frames = (int) (framesIn - framesBefore);
            if (metrics != dev.vigil.MetricsObserver.NONE && (bytesIn > bytesReported || frames > 0)) {
                // Counted from the totals, so the bytes the handshake read along with the first frames count too.
                metrics.received(this, frames, (int) (bytesIn - bytesReported));
                bytesReported = bytesIn;
            }
            if (fill() < 0) {
                endOfStream();
                return;
            }
        }
    }

    /** Reads once into the buffer; returns what read returned. */
    private int fill() throws IOException {
        if (rlim == rbuf.length) {
            makeRoom(rlim - rpos + 1);
        }
        int space = rbuf.length - rlim;
        quietSince = ticker.nanoTime();
        readerWaiting = true;
        int n;
        try {
            n = Objects.requireNonNull(in).read(rbuf, rlim, space);
        } finally {
            readerWaiting = false;
        }
        if (n > 0) {
            long now = ticker.nanoTime();
            rlim += n;
            bytesIn = bytesIn + n;
            arrived(now);
            adapt(n, space);
        }
        return n;
    }

    private void arrived(long now) {
        long gap = now - lastArrival;
        lastArrival = now;
        if (liveness.adaptive() && gap >= liveness.pingAfter() / 2) {
            liveness.record(gap);
        }
        if (state == ConnectionState.SUSPECT) {
            recover();
        }
    }

    /** Grows the buffer after reads that fill it, shrinks it after a run of small reads. */
    private void adapt(int n, int space) {
        if (n == space && rbuf.length < MAX_ADAPTIVE_READ_BUFFER && rpos == 0) {
            resize(Math.min(MAX_ADAPTIVE_READ_BUFFER, rbuf.length * 2));
            smallReads = 0;
        } else if (n < rbuf.length / 4 && rbuf.length > MIN_READ_BUFFER) {
            if (++smallReads >= 8 && rlim - rpos <= rbuf.length / 4) {
                resize(Math.max(MIN_READ_BUFFER, rbuf.length / 2));
                smallReads = 0;
            }
        } else {
            smallReads = 0;
        }
    }

    /** Makes sure {@code need} bytes fit from {@code rpos}: compacts, or grows for a large frame. */
    private void makeRoom(int need) {
        if (rbuf.length - rpos >= need) {
            return;
        }
        if (rbuf.length >= need) {
            System.arraycopy(rbuf, rpos, rbuf, 0, rlim - rpos);
        } else {
            byte[] bigger = new byte[Math.max(need, Math.min(rbuf.length * 2, s.maxFrameSize() + Wire.HEADER + 1))];
            System.arraycopy(rbuf, rpos, bigger, 0, rlim - rpos);
            rbuf = bigger;
        }
        rlim -= rpos;
        rpos = 0;
    }

    private void resize(int size) {
        int used = rlim - rpos;
        if (used > size) {
            return;
        }
        byte[] b = new byte[size];
        System.arraycopy(rbuf, rpos, b, 0, used);
        rbuf = b;
        rpos = 0;
        rlim = used;
    }

    private void decodeFrames() throws Fatal, IOException {
        long frames = 0;
        try {
            while (true) {
                int avail = rlim - rpos;
                if (avail < Wire.HEADER) {
                    if (avail > 0) {
                        makeRoom(Wire.HEADER);
                    }
                    break;
                }
                int len = Wire.getInt(rbuf, rpos);
                if (len < 0 || len > s.maxFrameSize()) {
                    throw new Fatal(Kind.FRAME_TOO_LARGE, "peer sent a frame of " + (len & 0xffffffffL)
                            + " bytes; the maximum is " + s.maxFrameSize());
                }
                if (avail < Wire.HEADER + len) {
                    makeRoom(Wire.HEADER + len);
                    break;
                }
                byte type = rbuf[rpos + 4];
                int p = rpos + Wire.HEADER;
                rpos += Wire.HEADER + len;
                frames++;
                switch (type) {
                    case Wire.DATA -> deliver(decode(p, len));
                    case Wire.PING -> {
                        requireLength("PING", len, Wire.NONCE);
                        peerPinged(Wire.getLong(rbuf, p));
                    }
                    case Wire.PONG -> {
                        requireLength("PONG", len, Wire.NONCE);
                        ponged(Wire.getLong(rbuf, p));
                    }
                    case Wire.CLOSE -> peerClosed(p, len);
                    default -> throw new Fatal(Kind.PROTOCOL_ERROR,
                            String.format("peer sent a frame of unknown type 0x%02x (%d bytes)", type, len));
                }
            }
        } finally {
            framesDecoded(frames);
        }
        if (rpos == rlim) {
            rpos = 0;
            rlim = 0;
        }
    }

    private void decodeLines() throws Fatal, IOException {
        long frames = 0;
        try {
            while (true) {
                int nl = -1;
                for (int i = rpos + scanned; i < rlim; i++) {
                    if (rbuf[i] == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl < 0) {
                    scanned = rlim - rpos;
                    if (scanned > s.maxFrameSize()) {
                        throw new Fatal(Kind.FRAME_TOO_LARGE, "peer sent a line longer than the maximum of "
                                + s.maxFrameSize() + " bytes");
                    }
                    if (rlim == rbuf.length) {
                        makeRoom(Math.min(rbuf.length * 2, s.maxFrameSize() + 2));
                    }
                    break;
                }
                int end = nl > rpos && rbuf[nl - 1] == '\r' ? nl - 1 : nl;
                int p = rpos;
                int len = end - p;
                rpos = nl + 1;
                scanned = 0;
                frames++;
                awaitingFirstLine = false;
                if (len > s.maxFrameSize()) {
                    throw new Fatal(Kind.FRAME_TOO_LARGE, "peer sent a line of " + len + " bytes; the maximum is "
                            + s.maxFrameSize());
                }
                if (isWord(p, len, Wire.LINE_PING)) {
                    peerPinged(0);
                } else if (isWord(p, len, Wire.LINE_PONG)) {
                    ponged(pingNonce);
                } else {
                    deliver(decode(p, len));
                }
            }
        } finally {
            framesDecoded(frames);
        }
        if (rpos == rlim) {
            rpos = 0;
            rlim = 0;
            scanned = 0;
        }
    }

    private boolean isWord(int p, int len, byte[] lineWithNewline) {
        if (len != lineWithNewline.length - 1) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (rbuf[p + i] != lineWithNewline[i]) {
                return false;
            }
        }
        return true;
    }

    private void framesDecoded(long frames) {
        if (frames > 0) {
            framesIn = framesIn + frames;
            lastFrameNanos = lastArrival;
        }
    }

    private static void requireLength(String what, int len, int expected) throws Fatal {
        if (len != expected) {
            throw new Fatal(Kind.PROTOCOL_ERROR, what + " frame of " + len + " bytes (expected " + expected + ")");
        }
    }

    private M decode(int p, int len) throws Fatal {
        try {
            return s.codec().decode(rbuf, p, len);
        } catch (Exception | LinkageError e) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "codec " + s.codec() + " could not decode a frame of " + len
                    + " bytes: " + e.getMessage(), e);
        }
    }

    private void deliver(M message) {
        callbackLock.lock();
        try {
            drainEventsLocked();
            s.listener().onMessage(this, message);
        } catch (Throwable t) {
            callbackFailed("onMessage", t);
        } finally {
            callbackLock.unlock();
        }
    }

    private void peerPinged(long nonce) throws Fatal {
        long now = lastArrival;
        long min = s.minPeerPingInterval().toNanos();
        if (peerLastPing != Long.MIN_VALUE && now - peerLastPing < min) {
            if (++pingStrikes > s.maxPingStrikes()) {
                throw new Fatal(Kind.POLICY_VIOLATION, "peer pings every " + Durations.format(now - peerLastPing)
                        + ", faster than the " + Durations.format(min) + " this side accepts ("
                        + pingStrikes + " strikes)");
            }
        } else {
            pingStrikes = 0;
        }
        peerLastPing = now;
        boolean inline = false;
        boolean spawn = false;
        lock.lock();
        try {
            if (outputClosed) {
                return;
            }
            if (pongCount == pongs.length) {
                pongs = java.util.Arrays.copyOf(pongs, Math.max(2, pongCount * 2));
            }
            pongs[pongCount++] = nonce;
            if (!writerActive) {
                writerActive = true;
                inline = Thread.currentThread() == reader;
                spawn = !inline;
            }
        } finally {
            lock.unlock();
        }
        startWriting(inline, spawn);
    }

    private void ponged(long nonce) {
        // Our nonce is the PING's send time, so any PONG echoing a nonce we could have sent is an RTT sample, even
        // one overtaken by a later PING. Anything else is a sign of life and nothing more.
        long latest = pingNonce;
        boolean ours = lineMode ? pingOutstanding : nonce - createdNanos >= 0 && latest - nonce >= 0;
        if (ours && pingsSent > 0) {
            if (nonce == latest) {
                pingOutstanding = false;
            }
            pongsReceived = pongsReceived + 1;
            rtt.sample(lastArrival - nonce);
            if (metrics != dev.vigil.MetricsObserver.NONE) {
                metrics.rtt(this, rtt.stats().last());
            }
        }
    }

    private void peerClosed(int p, int len) throws Fatal {
        if (len < 2 || len > 2 + Wire.MAX_CLOSE_TEXT) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "CLOSE frame of " + len + " bytes (expected 2 to "
                    + (2 + Wire.MAX_CLOSE_TEXT) + ")");
        }
        int code = (rbuf[p] & 0xff) << 8 | (rbuf[p + 1] & 0xff);
        String text = new String(rbuf, p + 2, len - 2, StandardCharsets.UTF_8);
        Kind kind = Kind.ofCode(code);
        if (kind == Kind.CLOSED_LOCALLY) {
            kind = Kind.CLOSED_BY_PEER;
        }
        beginClose(new CloseReason(kind, true, text.isEmpty() ? "peer closed the connection" : text, null));
    }

    private void endOfStream() {
        // A reset that a blocked writer hits first leaves the reader a plain end of stream: give the writer a moment
        // to report it, so that a reset is reported as one.
        awaitWriterIdle(ticker.nanoTime() + EOF_WRITER_WAIT);
        String message = lineMode ? "peer closed the connection"
                : "peer closed the TCP connection without a CLOSE frame";
        beginClose(new CloseReason(Kind.CLOSED_BY_PEER, false, message, null));
    }

    private void readFailed(IOException e) {
        if (closeReason.get() != null) {
            return; // we closed the socket ourselves; the exception is the echo of that
        }
        String msg = String.valueOf(e.getMessage());
        Kind kind = e instanceof javax.net.ssl.SSLException ? Kind.PROTOCOL_ERROR
                : e instanceof SocketException && msg.toLowerCase(java.util.Locale.ROOT).contains("reset")
                ? Kind.RESET : Kind.IO_ERROR;
        String text = switch (kind) {
            case RESET -> "peer reset the connection";
            case PROTOCOL_ERROR -> "TLS failed: " + msg;
            default -> "read failed: " + e;
        };
        abort(new CloseReason(kind, false, text, e), false);
    }

    /** Moves between the two open states; false if the connection was not in {@code from} (it may be closing). */
    private boolean transition(ConnectionState from, ConnectionState to) {
        lock.lock();
        try {
            if (state != from) {
                return false;
            }
            state = to;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void recover() {
        if (!transition(ConnectionState.SUSPECT, ConnectionState.ACTIVE)) {
            return;
        }
        VigilEvents.stateChanged(this, ConnectionState.SUSPECT, ConnectionState.ACTIVE, -1);
        callbackLock.lock();
        try {
            drainEventsLocked();
            s.listener().onStateChange(this, ConnectionState.SUSPECT, ConnectionState.ACTIVE);
        } catch (Throwable t) {
            callbackFailed("onStateChange", t);
        } finally {
            callbackLock.unlock();
        }
    }

    // =====================================================================================================
    // Ending
    // =====================================================================================================

    /** The peer closed (CLOSE frame or EOF): flush what we accepted, answer with our CLOSE, then close. */
    private void beginClose(CloseReason reason) {
        if (!closeReason.compareAndSet(null, reason)) {
            return;
        }
        logClose(reason);
        requestCloseFrame(ANSWER);
    }

    private void requestCloseFrame(CloseReason reason) {
        boolean spawn = false;
        lock.lock();
        try {
            if (state != ConnectionState.CLOSED) {
                state = ConnectionState.CLOSING;
            }
            closeAfterData = true;
            closeFrame = reason;
            notFull.signalAll();
            if (!writerActive && !outputClosed) {
                writerActive = true;
                spawn = true;
            }
        } finally {
            lock.unlock();
        }
        closeDeadline = ticker.nanoTime() + s.closeTimeout().toNanos();
        timer.schedule(timerEntry, closeDeadline);
        startWriting(false, spawn);
    }

    @Override
    public void close() {
        CloseReason reason = CloseReason.local(Kind.CLOSED_LOCALLY, "the application closed the connection");
        if (state == ConnectionState.CONNECTING) {
            abort(reason, false);
            return;
        }
        if (closeReason.compareAndSet(null, reason)) {
            logClose(reason);
            requestCloseFrame(reason);
        }
    }

    @Override
    public void reject(String reason) {
        Objects.requireNonNull(reason, "reason");
        CloseReason r = CloseReason.local(Kind.REJECTED, reason);
        if (closeReason.compareAndSet(null, r)) {
            logClose(r);
            lock.lock();
            try {
                failQueuedLocked(r);
            } finally {
                lock.unlock();
            }
            // With the queue emptied, the CLOSE frame goes out next; the timer closes the socket if the peer does not
            // answer within the close timeout.
            requestCloseFrame(r);
        }
    }

    /** Graceful close for a shutting-down manager; a no-op if the connection is already ending. */
    void shutdown(String message) {
        CloseReason reason = CloseReason.local(Kind.SHUTDOWN, message);
        if (state == ConnectionState.CONNECTING) {
            abort(reason, false);
            return;
        }
        if (closeReason.compareAndSet(null, reason)) {
            logClose(reason);
            requestCloseFrame(reason);
        }
    }

    /** Ends the connection at once: queued messages fail, the socket closes. Only the first reason counts. */
    boolean abort(CloseReason reason, boolean tellPeer) {
        if (!closeReason.compareAndSet(null, reason)) {
            return false;
        }
        logClose(reason);
        lock.lock();
        try {
            if (state != ConnectionState.CLOSED) {
                state = ConnectionState.CLOSING;
            }
            failQueuedLocked(reason);
            outputClosed = true; // no writer round starts after this: the CLOSE below is the last frame
        } finally {
            lock.unlock();
        }
        if (tellPeer && Thread.currentThread() == reader) {
            tryTellPeer(reason);
        }
        closeSocket();
        return true;
    }

    /** Writes a CLOSE frame if no writer is busy; never waits for one. */
    private void tryTellPeer(CloseReason reason) {
        if (!writeLock.tryLock()) {
            return;
        }
        try {
            obuf.size = 0;
            encodeClose(reason);
            Objects.requireNonNull(out).write(obuf.buf, 0, obuf.size);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: could not tell the peer why: {}", name, e.toString());
        } finally {
            obuf.size = 0;
            writeLock.unlock();
        }
    }

    /** Runs on a short-lived virtual thread after a heartbeat timeout: tells the peer, then closes. */
    void tellPeerAndClose(CloseReason reason) {
        tryTellPeer(reason);
        closeSocket();
    }

    /** Forces the socket closed; the reader then runs {@link #finish}. */
    void forceClose() {
        closeSocket();
    }

    private void closeSocket() {
        try {
            raw.close();
        } catch (IOException e) {
            log.debug("{}: closing the socket failed: {}", name, e.toString());
        }
    }

    /** Runs on the reader thread, once, whatever ended the connection; delivers {@code onClose} last. */
    private void finish() {
        CloseReason reason = closeReason.get();
        if (reason == null) {
            abort(new CloseReason(Kind.IO_ERROR, false, "reader ended without a reason", null), false);
            reason = Objects.requireNonNull(closeReason.get());
        }
        // Let the writer flush what was accepted and send the CLOSE frame, up to the close deadline.
        long deadline = closeDeadline == HeartbeatTimer.STOP
                ? ticker.nanoTime() : Math.min(closeDeadline, ticker.nanoTime() + s.closeTimeout().toNanos());
        awaitWriterIdle(deadline);
        closeSocket();
        awaitWriterIdle(ticker.nanoTime() + WRITER_GONE_WAIT);
        lock.lock();
        try {
            failQueuedLocked(reason);
            outputClosed = true;
            state = ConnectionState.CLOSED;
        } finally {
            lock.unlock();
        }
        timer.cancel(timerEntry);
        manager.closed(this);
        if (openCalled) {
            metrics.closed(this, reason);
            VigilEvents.closed(this, reason, ticker.nanoTime() - lastArrival, rtt.stats());
        } else {
            metrics.handshakeFailed(remoteAddress, reason);
        }
        callbackLock.lock();
        try {
            drainEventsLocked();
            closeDelivered = true;
            if (openCalled) {
                try {
                    s.listener().onClose(this, reason);
                } catch (Throwable t) {
                    rethrowIfFatal(t);
                    log.warn("{} {}: listener.onClose threw; ignored", name, remoteAddress, t);
                }
            }
        } finally {
            callbackLock.unlock();
        }
        opened.completeExceptionally(new ConnectionClosedException(reason));
        rbuf = new byte[0];
        terminated.complete(null);
    }

    private void awaitWriterIdle(long deadline) {
        lock.lock();
        try {
            while (writerActive) {
                long wait = deadline - ticker.nanoTime();
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

    private void failQueuedLocked(CloseReason reason) {
        if (queue.size() > 0) {
            queue.failAll(new ConnectionClosedException(reason));
        }
        notFull.signalAll();
    }

    private void logClose(CloseReason reason) {
        switch (reason.kind()) {
            case CLOSED_LOCALLY, CLOSED_BY_PEER, SHUTDOWN ->
                    log.debug("{} {}: closing: {}", name, remoteAddress, reason);
            default -> log.warn("{} {}: closing: {}", name, remoteAddress, reason);
        }
    }

    // =====================================================================================================
    // Writing
    // =====================================================================================================

    @Override
    public CompletableFuture<Void> send(M message) {
        Objects.requireNonNull(message, "message");
        CompletableFuture<Void> future = new CompletableFuture<>();
        enqueue(message, future, s.backpressure());
        return future;
    }

    /** A send from {@code broadcast}: never blocks. */
    CompletableFuture<Void> sendNoWait(M message) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        enqueue(message, future, s.backpressure() == dev.vigil.BackpressurePolicy.BLOCK
                ? dev.vigil.BackpressurePolicy.FAIL : s.backpressure());
        return future;
    }

    private void enqueue(M message, CompletableFuture<Void> future, dev.vigil.BackpressurePolicy policy) {
        boolean inline = false;
        boolean spawn = false;
        boolean slowConsumer = false;
        lock.lock();
        try {
            while (true) {
                CloseReason reason = closeReason.get();
                if (reason != null) {
                    future.completeExceptionally(new ConnectionClosedException(reason));
                    return;
                }
                if (queue.size() + inFlight < s.maxQueuedMessages()) {
                    break;
                }
                switch (policy) {
                    case BLOCK -> {
                        try {
                            notFull.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            future.completeExceptionally(e);
                            return;
                        }
                    }
                    case FAIL -> {
                        future.completeExceptionally(new java.util.concurrent.RejectedExecutionException(
                                name + ": outbound queue full (" + queue.size() + " messages waiting)"));
                        return;
                    }
                    case CLOSE -> {
                        slowConsumer = true;
                        VigilEvents.slowConsumer(this, queue.size() + inFlight, s.maxQueuedMessages());
                    }
                }
                if (slowConsumer) {
                    break;
                }
            }
            if (!slowConsumer) {
                queue.add(message, future);
                if (!writerActive) {
                    writerActive = true;
                    inline = Thread.currentThread() == reader;
                    spawn = !inline;
                }
            }
        } finally {
            lock.unlock();
        }
        if (slowConsumer) {
            CloseReason reason = CloseReason.local(Kind.SLOW_CONSUMER, "peer reads too slowly: "
                    + s.maxQueuedMessages() + " messages queued");
            abort(reason, false);
            future.completeExceptionally(new ConnectionClosedException(Objects.requireNonNull(closeReason.get())));
            return;
        }
        startWriting(inline, spawn);
    }

    private void startWriting(boolean inline, boolean spawn) {
        if (inline) {
            if (decoding) {
                // A reply from a callback: the reader writes it, with every other reply to the frames of this read,
                // once it has delivered them (as Netty flushes in channelReadComplete): one write, no thread hop.
                flushOwed = true;
            } else {
                drain(true);
            }
        } else if (spawn) {
            manager.startWriter(this);
        }
    }

    /** The writer role: called on a writer thread, or inline by the reader. */
    void drain(boolean inline) {
        writeLock.lock();
        int taken = 0;
        try {
            for (int round = 0; ; round++) {
                boolean writeClose;
                CloseReason closeWith;
                lock.lock();
                try {
                    boolean work = queue.size() > 0 || pongCount > 0 || pingRequested || closeAfterData;
                    if (outputClosed || !work) {
                        writerActive = false;
                        writerIdle.signalAll();
                        return;
                    }
                    if (inline && round > 0) {
                        // The reader wrote one batch without a hop; more arrived meanwhile: a writer thread takes it.
                        manager.startWriter(this);
                        return;
                    }
                    encodeControlLocked();
                    taken = takeLocked();
                    writeClose = closeAfterData && queue.size() == 0;
                    closeWith = closeFrame;
                    if (taken == 0 && obuf.size == 0 && !writeClose) {
                        writerActive = false;
                        writerIdle.signalAll();
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                int frames = encodeBatch(taken);
                if (writeClose && closeWith != null) {
                    encodeClose(closeWith);
                    frames++;
                }
                flush(frames);
                completeBatch(taken);
                taken = 0;
                if (writeClose) {
                    lock.lock();
                    try {
                        outputClosed = true;
                    } finally {
                        lock.unlock();
                    }
                    shutdownOutput();
                }
            }
        } catch (IOException | RuntimeException e) {
            writeFailed(e, taken);
            lock.lock();
            try {
                outputClosed = true;
                writerActive = false;
                writerIdle.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            obuf.size = 0;
            writeLock.unlock();
        }
    }

    private void encodeControlLocked() {
        for (int i = 0; i < pongCount; i++) {
            if (lineMode) {
                obuf.write(Wire.LINE_PONG, 0, Wire.LINE_PONG.length);
            } else {
                controlFrame(Wire.PONG, pongs[i]);
            }
        }
        pongCount = 0;
        if (pingRequested) {
            pingRequested = false;
            long nonce = ticker.nanoTime();
            if (lineMode) {
                obuf.write(Wire.LINE_PING, 0, Wire.LINE_PING.length);
            } else {
                controlFrame(Wire.PING, nonce);
            }
            pingNonce = nonce;
            pingOutstanding = true;
            pingsSent = pingsSent + 1;
        }
    }

    private void controlFrame(byte type, long nonce) {
        obuf.ensure(Wire.HEADER + Wire.NONCE);
        Wire.putInt(obuf.buf, obuf.size, Wire.NONCE);
        obuf.buf[obuf.size + 4] = type;
        Wire.putLong(obuf.buf, obuf.size + Wire.HEADER, nonce);
        obuf.size += Wire.HEADER + Wire.NONCE;
    }

    private int takeLocked() {
        if (queue.size() == 0) {
            return 0;
        }
        if (batch.length < BATCH * 2) {
            batch = new Object[BATCH * 2];
        }
        int n = queue.takeInto(batch, BATCH);
        inFlight = n;
        notFull.signalAll();
        return n;
    }

    private int encodeBatch(int n) throws IOException {
        int frames = 0;
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked")
            M message = (M) batch[i * 2];
            @SuppressWarnings("unchecked")
            CompletableFuture<Void> future = (CompletableFuture<Void>) batch[i * 2 + 1];
            if (encodeData(message, future)) {
                frames++;
            } else {
                batch[i * 2 + 1] = null;
            }
            if (obuf.size >= WRITE_CHUNK) {
                flush(frames);
                frames = 0;
            }
        }
        return frames;
    }

    /** Encodes one message; on failure rolls the buffer back and fails only that message. */
    private boolean encodeData(M message, CompletableFuture<Void> future) {
        int start = obuf.size;
        int header = lineMode ? 0 : Wire.HEADER;
        obuf.ensure(header);
        obuf.size += header;
        try {
            s.codec().encode(message, obuf);
        } catch (Exception | LinkageError e) {
            obuf.size = start;
            future.completeExceptionally(e);
            return false;
        }
        int len = obuf.size - start - header;
        long limit = lineMode ? s.maxFrameSize() : peerMaxFrame;
        if (len > limit) {
            obuf.size = start;
            future.completeExceptionally(new IOException("message of " + len
                    + " bytes exceeds the maximum frame size of " + limit + " bytes"));
            return false;
        }
        if (lineMode) {
            for (int i = start; i < obuf.size; i++) {
                if (obuf.buf[i] == '\n') {
                    obuf.size = start;
                    future.completeExceptionally(new IOException("encoded line contains a line break"));
                    return false;
                }
            }
            obuf.write('\n');
        } else {
            Wire.putInt(obuf.buf, start, len);
            obuf.buf[start + 4] = Wire.DATA;
        }
        return true;
    }

    private void encodeClose(CloseReason reason) {
        if (lineMode) {
            return; // text mode has no CLOSE frame: closing TCP says it
        }
        byte[] text = reason.message().getBytes(StandardCharsets.UTF_8);
        int len = Math.min(text.length, Wire.MAX_CLOSE_TEXT);
        obuf.ensure(Wire.HEADER + 2 + len);
        int p = obuf.size;
        Wire.putInt(obuf.buf, p, 2 + len);
        obuf.buf[p + 4] = Wire.CLOSE;
        int code = reason.kind().code();
        obuf.buf[p + 5] = (byte) (code >>> 8);
        obuf.buf[p + 6] = (byte) code;
        System.arraycopy(text, 0, obuf.buf, p + 7, len);
        obuf.size = p + Wire.HEADER + 2 + len;
    }

    private void flush(int frames) throws IOException {
        if (obuf.size == 0) {
            return;
        }
        Objects.requireNonNull(out).write(obuf.buf, 0, obuf.size);
        bytesOut = bytesOut + obuf.size;
        framesOut = framesOut + frames;
        if (metrics != dev.vigil.MetricsObserver.NONE) {
            metrics.sent(this, frames, obuf.size);
        }
        lastWriteNanos = ticker.nanoTime();
        obuf.size = 0;
    }

    private void completeBatch(int n) {
        for (int i = 0; i < n; i++) {
            @SuppressWarnings("unchecked")
            CompletableFuture<Void> future = (CompletableFuture<Void>) batch[i * 2 + 1];
            batch[i * 2] = null;
            batch[i * 2 + 1] = null;
            if (future != null) {
                future.complete(null);
            }
        }
        lock.lock();
        try {
            inFlight = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void writeFailed(Exception e, int taken) {
        if (closeReason.get() == null) {
            String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            boolean reset = msg.contains("reset") || msg.contains("broken pipe");
            abort(new CloseReason(reset ? Kind.RESET : Kind.IO_ERROR, false,
                    reset ? "peer reset the connection" : "write failed: " + e, e), false);
        }
        ConnectionClosedException error = new ConnectionClosedException(Objects.requireNonNull(closeReason.get()));
        lock.lock();
        try {
            inFlight = 0;
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < taken; i++) {
            @SuppressWarnings("unchecked")
            CompletableFuture<Void> future = (CompletableFuture<Void>) batch[i * 2 + 1];
            batch[i * 2] = null;
            batch[i * 2 + 1] = null;
            if (future != null) {
                future.completeExceptionally(error);
            }
        }
        closeSocket();
    }

    private void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            log.debug("{}: shutdownOutput failed: {}", name, e.toString());
        }
    }

    // =====================================================================================================
    // Timer
    // =====================================================================================================

    @Override
    public long onTimer(long now, long pauseEnd) {
        return switch (state) {
            case CONNECTING -> {
                if (now - handshakeDeadline >= 0) {
                    abort(CloseReason.local(Kind.HANDSHAKE_TIMEOUT, "no HELLO from the peer within "
                            + Durations.format(s.handshakeTimeout().toNanos())), false);
                    yield HeartbeatTimer.STOP;
                }
                yield handshakeDeadline;
            }
            case CLOSING -> {
                if (closeDeadline != HeartbeatTimer.STOP && now - closeDeadline >= 0) {
                    log.debug("{}: peer did not finish closing within {}; closing the socket", name,
                            Durations.format(s.closeTimeout().toNanos()));
                    forceClose();
                    yield HeartbeatTimer.STOP;
                }
                yield closeDeadline;
            }
            case CLOSED -> HeartbeatTimer.STOP;
            case ACTIVE, SUSPECT -> heartbeat(now, pauseEnd);
        };
    }

    private long heartbeat(long now, long pauseEnd) {
        if (awaitingFirstLine) {
            if (now - handshakeDeadline >= 0) {
                abort(CloseReason.local(Kind.HANDSHAKE_TIMEOUT, "no complete line from the peer within "
                        + Durations.format(s.handshakeTimeout().toNanos())), false);
                return HeartbeatTimer.STOP;
            }
            return Math.min(handshakeDeadline, heartbeatChecks(now, pauseEnd));
        }
        return heartbeatChecks(now, pauseEnd);
    }

    private long heartbeatChecks(long now, long pauseEnd) {
        trimIdle(now, liveness.pingAfter());
        if (!readerWaiting) {
            // The reader is busy (a callback, decoding): it is not waiting, so no silence is proven yet.
            return now + Math.min(liveness.pingAfter(), TimeUnit.SECONDS.toNanos(1));
        }
        long since = quietSince;
        int actions = liveness.evaluate(now, since, pauseEnd, state == ConnectionState.SUSPECT);
        if ((actions & Liveness.DEAD) != 0) {
            Thread r = reader;
            if (r != null && r.getState() == Thread.State.RUNNABLE) {
                return now + DEFER; // bytes arrived and the reader is about to run: not silence
            }
            RttStats last = rtt.stats();
            CloseReason reason = CloseReason.local(Kind.HEARTBEAT_TIMEOUT, "no sign of life: "
                    + liveness.explain(now - Math.max(since, pauseEnd)) + "; PING #" + liveness.pings()
                    + (pingOutstanding ? " unanswered" : "") + ", " + pongsReceived + " answered"
                    + (last.samples() > 0 ? ", last RTT " + Durations.format(last.last().toNanos()) : ""));
            if (!closeReason.compareAndSet(null, reason)) {
                return HeartbeatTimer.STOP;
            }
            logClose(reason);
            VigilEvents.heartbeatTimeout(this, now - since, liveness.pings() - pongsReceived,
                    Math.max(since, Math.min(pauseEnd, now)) - since, last);
            lock.lock();
            try {
                state = ConnectionState.CLOSING;
                failQueuedLocked(reason);
                outputClosed = true;
            } finally {
                lock.unlock();
            }
            // If the peer is only deaf one way it should learn why; a virtual thread tries, the timer must not block.
            // Should that write block, the close deadline closes the socket anyway.
            closeDeadline = now + TELL_PEER_WAIT;
            manager.startCloser(this, reason);
            return closeDeadline;
        }
        if ((actions & Liveness.SUSPECT) != 0) {
            becomeSuspect(now - Math.max(since, pauseEnd));
        }
        if ((actions & Liveness.PING) != 0) {
            requestPing();
        }
        return liveness.next();
    }

    private void becomeSuspect(long silence) {
        if (!transition(ConnectionState.ACTIVE, ConnectionState.SUSPECT)) {
            return;
        }
        log.info("{} {}: peer suspect after {} of silence", name, remoteAddress, Durations.format(silence));
        VigilEvents.stateChanged(this, ConnectionState.ACTIVE, ConnectionState.SUSPECT, silence);
        postEvent(() -> s.listener().onStateChange(this, ConnectionState.ACTIVE, ConnectionState.SUSPECT));
    }

    private void requestPing() {
        boolean spawn = false;
        lock.lock();
        try {
            if (outputClosed || closeReason.get() != null) {
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

    /** Gives back the write buffer and queue arrays of a connection that has been idle for an interval. */
    private void trimIdle(long now, long interval) {
        long idleFor = Math.min(interval, TimeUnit.SECONDS.toNanos(1));
        if (now - lastWriteNanos < idleFor || !writeLock.tryLock()) {
            return;
        }
        try {
            obuf.trim(1024);
            lock.lock();
            try {
                if (queue.size() == 0 && inFlight == 0 && !writerActive) {
                    queue.release();
                    batch = NO_ENTRIES;
                }
            } finally {
                lock.unlock();
            }
        } finally {
            writeLock.unlock();
        }
    }

    // =====================================================================================================
    // Listener events that do not come from the reader
    // =====================================================================================================

    private void postEvent(Runnable event) {
        events.add(event);
        if (eventDrainScheduled.compareAndSet(false, true)) {
            manager.startEventThread(this);
        }
    }

    /** Runs on a short-lived virtual thread: delivers queued events after any running callback. */
    void drainEvents() {
        callbackLock.lock();
        try {
            eventDrainScheduled.set(false);
            drainEventsLocked();
        } finally {
            callbackLock.unlock();
        }
    }

    private void drainEventsLocked() {
        Runnable event;
        while ((event = events.poll()) != null) {
            if (closeDelivered) {
                continue;
            }
            try {
                event.run();
            } catch (Throwable t) {
                callbackFailed("onStateChange", t);
            }
        }
    }

    private void callbackFailed(String callback, Throwable t) {
        rethrowIfFatal(t);
        log.warn("{} {}: listener.{} threw; the connection stays open", name, remoteAddress, callback, t);
        try {
            s.listener().onError(this, t);
        } catch (Throwable t2) {
            rethrowIfFatal(t2);
            log.warn("{} {}: listener.onError threw; ignored", name, remoteAddress, t2);
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError error) {
            throw error;
        }
    }

    // =====================================================================================================
    // Connection
    // =====================================================================================================

    CompletableFuture<Connection<M>> opened() {
        return opened;
    }

    CompletableFuture<Void> terminated() {
        return terminated;
    }

    String name() {
        return name;
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
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
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
        return rtt.stats();
    }

    @Override
    public ConnectionStats stats() {
        int queued;
        lock.lock();
        try {
            queued = queue.size() + inFlight;
        } finally {
            lock.unlock();
        }
        long last = lastFrameNanos;
        Instant lastFrame = framesIn == 0 ? null
                : Instant.ofEpochMilli(createdWallMillis + TimeUnit.NANOSECONDS.toMillis(last - createdNanos));
        return new ConnectionStats(framesIn, framesOut, bytesIn, bytesOut, queued, lastFrame);
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
        return "Connection[" + name + " " + (client ? "to " : "from ") + remoteAddress + ", " + state + "]";
    }
}
