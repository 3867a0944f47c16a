package dev.vigil.testing;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.SessionPolicy;
import dev.vigil.internal.Managers;
import dev.vigil.internal.Settings;
import dev.vigil.internal.heartbeat.StallLedger;
import dev.vigil.internal.conn.ConnectionCore;
import dev.vigil.internal.conn.SessionLinks;
import dev.vigil.internal.wire.InboundBuffer;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.DoubleSupplier;

/**
 * A real Vigil connection, with your codec, listener and heartbeat policy, driven by a test without a socket and on
 * a fake clock (what Netty's {@code EmbeddedChannel} is to a Netty handler). The test plays the peer: it feeds the
 * bytes the peer would send ({@link #writeInbound}, {@link #writeHello()}, {@link #writeFrame}), reads what the
 * connection wrote ({@link #readFrame()}, {@link #readOutbound()}), and moves time ({@link #advanceTimeBy}). Every
 * rule of the connection runs as in production (handshake, heartbeat, PING policing, frame order, closing and its
 * deadlines), because it is the same code: only the socket and the threads are replaced.
 *
 * <p><b>Threads.</b> Drive an embedded connection from one thread, the one that built it. That thread plays the
 * connection's reader: the listener is called on it, during the call that caused the event, so a test asserts right
 * after the call. Work the connection would hand to another thread (a writer, the timer's state changes) runs before
 * the driving call returns. A message sent from another thread is queued for a writer that runs when the driving
 * thread next calls the embedded connection (or {@link #runPendingTasks()}); so does the work of a call made
 * straight on {@link #connection()} (a {@code close()}, say). Nothing here blocks or sleeps.
 *
 * <p><b>Time.</b> The clock moves only in {@link #advanceTimeBy}, which runs every timer deadline that falls in the
 * step, in order and each at its own time, and in {@link #stall}, which simulates this JVM stalling.
 *
 * <pre>{@code
 * RecordingListener<String> events = new RecordingListener<>();
 * EmbeddedConnection<String> c = EmbeddedConnection.builder(MessageCodec.utf8(), events)
 *         .heartbeat(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)))
 *         .build();
 * c.writeHello();                                  // the peer's HELLO: the connection opens
 * events.next(RecordingListener.Open.class);
 * c.advanceTimeBy(Duration.ofSeconds(1));          // a second of silence
 * assertEquals(Frame.Type.PING, c.readFrame().type());
 * }</pre>
 *
 * @param <M> the type of messages
 */
public final class EmbeddedConnection<M> implements AutoCloseable {
    private static final long START = 1_000_000_000L;
    private static final int MAX_TIMER_RUNS = 1_000_000;

    private final Core<M> core;
    private final boolean binary;
    private long now = START;
    private volatile long deadline = ConnectionCore.NO_DEADLINE;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, Integer> started = new ConcurrentHashMap<>();
    private final WrittenBytes written = new WrittenBytes();
    private boolean helloTaken;
    private final StallLedger stalls = new StallLedger();
    private boolean reading = true;
    private volatile boolean outputShutdown;
    private volatile boolean transportClosed;
    private boolean finished;

    private EmbeddedConnection(Settings<M> settings, ConnectionListener<M> listener, byte[] hello, boolean client,
                               InetSocketAddress local, InetSocketAddress remote, DoubleSupplier jitter) {
        this.binary = settings.codec().framing() == MessageCodec.Framing.LENGTH_PREFIXED;
        this.core = new Core<>(this, settings, listener, hello, client, local, remote, jitter);
        SessionPolicy sessions = settings.sessions();
        if (sessions != null) {
            // As a manager with this policy gives its connections: a client asks for a new session, a server keeps
            // a session table of its own (this connection's), with ids and epoch from a generator seeded with 0.
            SessionLinks.<M>standalone(sessions, client, new Random(0)).attach(core, listener, () -> now);
        }
        try {
            core.start();
        } catch (IOException e) {
            throw new IllegalStateException("an embedded write cannot fail at start", e);
        }
        core.readStarting();
        settle();
    }

    /**
     * Starts building an embedded connection; the options and their defaults are those of
     * {@link ConnectionManager.Builder}.
     *
     * @param codec    how messages are encoded
     * @param listener hears the connection's events
     * @param <M>      the type of messages
     * @return a builder
     */
    public static <M> Builder<M> builder(MessageCodec<M> codec, ConnectionListener<M> listener) {
        return new Builder<>(codec, listener);
    }

    // ---- the connection ----

    /** {@return the connection, as the listener sees it} */
    public Connection<M> connection() {
        return core;
    }

    /** {@return the connection's state} */
    public ConnectionState state() {
        settle();
        return core.state();
    }

    /** {@return why the connection closed or is closing, or null while it is open} */
    public @Nullable CloseReason closeReason() {
        settle();
        return core.closeReason();
    }

    /** {@return whether the connection has finished: closed, with {@code onClose} delivered if it ever opened} */
    public boolean isFinished() {
        settle();
        return finished;
    }

    /** {@return whether the connection has shut down its output (sent FIN)} */
    public boolean isOutputShutdown() {
        settle();
        return outputShutdown;
    }

    /** {@return whether the connection closed its transport (the socket, in production)} */
    public boolean isTransportClosed() {
        settle();
        return transportClosed;
    }

    // ---- the peer's side: inbound ----

    /**
     * The peer sent these bytes; the connection reads and handles them before this returns.
     *
     * @param bytes what arrived
     * @throws IllegalStateException if the connection no longer reads
     */
    public void writeInbound(byte[] bytes) {
        requireReading();
        int off = 0;
        while (off < bytes.length && reading) {
            InboundBuffer buffer = core.inbound();
            int space = buffer.writable();
            int n = Math.min(space, bytes.length - off);
            System.arraycopy(bytes, off, buffer.array(), buffer.writeIndex(), n);
            off += n;
            reading = core.readDone(n, space);
            if (reading) {
                core.readStarting();
            }
        }
        settle();
    }

    /** The peer sent a HELLO that accepts anything ({@link Hello#basic()}): a binary connection opens. */
    public void writeHello() {
        writeHello(Hello.basic());
    }

    /**
     * The peer sent this HELLO.
     *
     * @param hello the peer's HELLO
     */
    public void writeHello(Hello hello) {
        writeInbound(hello.encode());
    }

    /**
     * The peer sent these frames, in one read.
     *
     * @param frames the frames
     */
    public void writeFrame(Frame... frames) {
        int size = 0;
        for (Frame f : frames) {
            size += 5 + f.payload().length;
        }
        byte[] all = new byte[size];
        int p = 0;
        for (Frame f : frames) {
            byte[] b = f.encode();
            System.arraycopy(b, 0, all, p, b.length);
            p += b.length;
        }
        writeInbound(all);
    }

    /**
     * The peer sent a line (line framing): the text and a {@code \n}.
     *
     * @param line the line, without its line break
     */
    public void writeLine(String line) {
        writeInbound((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The peer shut down its output (FIN): the connection sees the end of its input. */
    public void finishInbound() {
        requireReading();
        reading = core.readDone(-1, 0);
        settle();
    }

    /** The peer reset the connection (RST): reading fails, and the connection ends with {@code RESET}. */
    public void resetByPeer() {
        requireReading();
        reading = false;
        core.readFailed(new CloseReason(CloseReason.Kind.RESET, false, "peer reset the connection", null));
        transportClosed = true;
        settle();
    }

    private void requireReading() {
        if (!reading || transportClosed) {
            throw new IllegalStateException("the connection no longer reads: " + core);
        }
    }

    // ---- the peer's side: outbound ----

    /** {@return the bytes of the next write the connection made and the test has not read, or null} */
    public byte @Nullable [] readOutbound() {
        settle();
        return written.nextWrite();
    }

    /** {@return how many writes the connection made that the test has not read} */
    public int outboundWrites() {
        settle();
        return written.writes();
    }

    /**
     * Reads the connection's HELLO (binary framing: its first bytes).
     *
     * @return the HELLO
     * @throws IllegalStateException if the HELLO was read already or is not there
     */
    public Hello readHello() {
        settle();
        if (!binary || helloTaken) {
            throw new IllegalStateException(binary ? "the HELLO was read already" : "line framing has no HELLO");
        }
        byte[] fixed = written.peek(8);
        int len = fixed == null ? -1 : Hello.length(fixed);
        byte[] all = len < 0 ? null : written.take(len);
        if (all == null) {
            throw new IllegalStateException("the connection wrote no HELLO");
        }
        helloTaken = true;
        return Hello.decode(all);
    }

    /**
     * Reads the next frame the connection wrote (binary framing), skipping its HELLO if that was not read.
     *
     * @return the frame, or null if no complete frame is waiting
     */
    public @Nullable Frame readFrame() {
        if (!binary) {
            throw new IllegalStateException("line framing has no frames: use readLine()");
        }
        settle();
        if (!helloTaken) {
            readHello();
        }
        byte[] header = written.peek(5);
        if (header == null) {
            return null;
        }
        int len = (header[0] & 0xff) << 24 | (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8 | (header[3] & 0xff);
        byte[] frame = written.take(5 + len);
        if (frame == null) {
            return null;
        }
        return new Frame(Frame.Type.of(frame[4]), Arrays.copyOfRange(frame, 5, frame.length));
    }

    /**
     * Reads every complete frame the connection wrote and the test has not read.
     *
     * @return the frames, in the order written
     */
    public List<Frame> readFrames() {
        List<Frame> frames = new ArrayList<>();
        for (Frame f = readFrame(); f != null; f = readFrame()) {
            frames.add(f);
        }
        return frames;
    }

    /**
     * Reads the next line the connection wrote (line framing), without its line break.
     *
     * @return the line, or null if no complete line is waiting
     */
    public @Nullable String readLine() {
        settle();
        byte[] all = written.peek(written.available());
        if (all == null) {
            return null;
        }
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                byte[] line = Objects.requireNonNull(written.take(i + 1));
                return new String(line, 0, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    // ---- time ----

    /** {@return the fake clock's reading, in nanoseconds} */
    public long nanoTime() {
        return now;
    }

    /** {@return how long until the connection's next timer deadline, or null if it has none} */
    public @Nullable Duration nextDeadline() {
        return deadline == ConnectionCore.NO_DEADLINE ? null : Duration.ofNanos(Math.max(0, deadline - now));
    }

    /**
     * Moves the fake clock forward, running every timer deadline that falls in the step at its own time (so the
     * timer is never late), with the work each one causes.
     *
     * @param duration how far to move, not negative
     */
    public void advanceTimeBy(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: not negative)");
        }
        long target = now + duration.toNanos();
        runTimersUntil(target, stalls);
        now = target;
        settle();
    }

    /**
     * This JVM stalls for {@code duration} (a long GC pause, a suspended VM): the clock jumps without any timer
     * running, then the timer wakes late, knowing how long the stall was, and runs what fell due.
     *
     * @param duration how long the stall lasts, positive
     */
    public void stall(Duration duration) {
        if (!duration.isPositive()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: positive)");
        }
        long start = now;
        now += duration.toNanos();
        stalls.record(start, now);
        runTimersUntil(now, stalls);
        settle();
    }

    private void runTimersUntil(long target, StallLedger pauses) {
        for (int runs = 0; deadline != ConnectionCore.NO_DEADLINE && deadline - target <= 0; runs++) {
            if (runs == MAX_TIMER_RUNS) {
                throw new IllegalStateException("the connection's timer keeps asking to run at " + deadline);
            }
            now = Math.max(now, deadline);
            deadline = ConnectionCore.NO_DEADLINE;
            long next = core.onTimer(now, pauses);
            // As the production timer does: a deadline set meanwhile that is earlier wins; the past means now.
            if (next != ConnectionCore.NO_DEADLINE) {
                next = Math.max(next, now);
                if (deadline == ConnectionCore.NO_DEADLINE || next < deadline) {
                    deadline = next;
                }
            }
            runPendingTasks();
            finishIfClosed();
        }
    }

    // ---- the rest ----

    /**
     * How many tasks in {@code role} the connection has handed to another thread since it was built: in production
     * each is a virtual thread started ({@code "writer"}, {@code "closer"}, {@code "events"}).
     *
     * @param role the role, as in the thread's name
     * @return how many such tasks it started
     */
    public int threadsStarted(String role) {
        return started.getOrDefault(role, 0);
    }

    /** Runs the work the connection handed to other threads (a writer, a state change), until there is none. */
    public void runPendingTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void settle() {
        runPendingTasks();
        finishIfClosed();
    }

    private void finishIfClosed() {
        if (!finished && (transportClosed || !reading)) {
            reading = false;
            finished = true;
            core.finish();
            runPendingTasks();
        }
    }

    /** Cuts the transport if it is still open, and finishes the connection ({@code onClose} if it opened). */
    @Override
    public void close() {
        transportClosed = true;
        settle();
    }

    @Override
    public String toString() {
        return "Embedded" + core;
    }

    /** The core with a fake transport: writes are kept for the test, tasks queued, the deadline remembered. */
    private static final class Core<M> extends ConnectionCore<M> {
        private final EmbeddedConnection<M> owner;
        private final InetSocketAddress local;
        private final InetSocketAddress remote;

        Core(EmbeddedConnection<M> owner, Settings<M> settings, ConnectionListener<M> listener, byte[] hello,
             boolean client, InetSocketAddress local, InetSocketAddress remote, DoubleSupplier jitter) {
            super(settings, listener, Managers.judge(settings.heartbeat(), jitter), Managers.metrics(settings),
                    () -> owner.now, 1, client, hello);
            this.owner = owner;
            this.local = local;
            this.remote = remote;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (owner.transportClosed || owner.outputShutdown) {
                throw new IOException(owner.transportClosed ? "Socket closed" : "Socket output is shutdown");
            }
            owner.written.add(Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void shutdownOutput() {
            owner.outputShutdown = true;
        }

        @Override
        public void closeTransport() {
            owner.transportClosed = true;
        }

        @Override
        public void spawn(String role, Runnable task) {
            owner.started.merge(role, 1, Integer::sum);
            owner.tasks.add(task);
        }

        @Override
        public void schedule(long deadline) {
            owner.deadline = deadline == NO_DEADLINE ? NO_DEADLINE : Math.max(deadline, owner.now);
        }

        @Override
        public boolean readerBusy() {
            return false;
        }

        @Override
        public CloseReason failure(IOException e) {
            return new CloseReason(CloseReason.Kind.IO_ERROR, false, "write failed: " + e, e);
        }

        @Override
        public void registered() {
        }

        @Override
        public void unregistered() {
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return remote;
        }
    }

    /**
     * Builds an {@link EmbeddedConnection}. The options mean what they mean on {@link ConnectionManager.Builder},
     * with the same defaults and the same validation; the ones about sockets, accept limits and shutdown are absent.
     *
     * @param <M> the type of messages
     */
    public static final class Builder<M> {
        private final ConnectionManager.Builder<M> options;
        private final ConnectionListener<M> listener;
        private boolean client;
        private InetSocketAddress localAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private InetSocketAddress remoteAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private DoubleSupplier jitter = new Random(0)::nextDouble;

        private Builder(MessageCodec<M> codec, ConnectionListener<M> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            this.options = ConnectionManager.builder(codec).listener(listener);
        }

        /**
         * See {@link ConnectionManager.Builder#heartbeat}.
         *
         * @param heartbeat the heartbeat policy
         * @return this builder
         */
        public Builder<M> heartbeat(HeartbeatPolicy heartbeat) {
            options.heartbeat(heartbeat);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#minPeerPingInterval}.
         *
         * @param minPeerPingInterval the shortest interval between the peer's PINGs that is not a strike
         * @return this builder
         */
        public Builder<M> minPeerPingInterval(Duration minPeerPingInterval) {
            options.minPeerPingInterval(minPeerPingInterval);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#maxPingStrikes}.
         *
         * @param maxPingStrikes how many early PINGs are forgiven
         * @return this builder
         */
        public Builder<M> maxPingStrikes(int maxPingStrikes) {
            options.maxPingStrikes(maxPingStrikes);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#maxFrameSize}.
         *
         * @param maxFrameSize the largest frame payload accepted, in bytes
         * @return this builder
         */
        public Builder<M> maxFrameSize(int maxFrameSize) {
            options.maxFrameSize(maxFrameSize);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#maxQueuedMessages}.
         *
         * @param maxQueuedMessages the most messages waiting to be written
         * @return this builder
         */
        public Builder<M> maxQueuedMessages(int maxQueuedMessages) {
            options.maxQueuedMessages(maxQueuedMessages);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#backpressure}.
         *
         * @param backpressure what a send does when the queue is full
         * @return this builder
         */
        public Builder<M> backpressure(BackpressurePolicy backpressure) {
            options.backpressure(backpressure);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#handshakeTimeout}.
         *
         * @param handshakeTimeout how long the peer has to complete its handshake
         * @return this builder
         */
        public Builder<M> handshakeTimeout(Duration handshakeTimeout) {
            options.handshakeTimeout(handshakeTimeout);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#closeTimeout}.
         *
         * @param closeTimeout how long a graceful close waits for the peer
         * @return this builder
         */
        public Builder<M> closeTimeout(Duration closeTimeout) {
            options.closeTimeout(closeTimeout);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#sessions}: the connection keeps a session as one of such a manager's
         * would. A client side asks for a new session in its HELLO and opens when the test writes the SESSION
         * frame ({@link SessionFrames#started}); a server side answers the session request in the peer's HELLO
         * ({@link SessionFrames#helloAskingForSession}) with a SESSION frame, from a session table of its own (ids
         * and epoch drawn from a generator seeded with 0). Either side then numbers DATA, sends ACKs by count and
         * by time on the fake clock, and completes delivery confirmations on the test's ACK frames
         * ({@link Frame#ack}); session events go to the listener if it is a {@code SessionListener}. A server's
         * lingering after an abnormal end, and its expiry, are the manager's work and are not simulated. Default:
         * none.
         *
         * @param sessions the session policy, or null for none
         * @return this builder
         */
        public Builder<M> sessions(@Nullable SessionPolicy sessions) {
            options.sessions(sessions);
            return this;
        }

        /**
         * See {@link ConnectionManager.Builder#metrics}.
         *
         * @param metrics the metrics observer
         * @return this builder
         */
        public Builder<M> metrics(MetricsObserver metrics) {
            options.metrics(metrics);
            return this;
        }

        /**
         * Whether the connection is the client side (it connected) rather than the server side (it was accepted).
         * Default: false. In the line framing only a server waits for the peer's first line within the handshake
         * timeout.
         *
         * @param client true for the client side
         * @return this builder
         */
        public Builder<M> client(boolean client) {
            this.client = client;
            return this;
        }

        /**
         * Where the heartbeat's jitter comes from: uniform draws from {@code [0, 1)}, one per silence, that place
         * each PING between {@code interval * (1 - jitter)} and {@code interval}. Default: a {@link Random} seeded
         * with 0, so a run repeats exactly; for PINGs exactly at the interval, use a policy without jitter
         * ({@code HeartbeatPolicy.fixed(interval, timeout).withJitter(0)}) or draws of 0.
         *
         * @param draws the draws
         * @return this builder
         */
        public Builder<M> jitterDraws(DoubleSupplier draws) {
            this.jitter = Objects.requireNonNull(draws, "draws");
            return this;
        }

        /**
         * The address {@link Connection#remoteAddress()} reports. Default: the loopback address, port 0.
         *
         * @param remoteAddress the peer's address
         * @return this builder
         */
        public Builder<M> remoteAddress(InetSocketAddress remoteAddress) {
            this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
            return this;
        }

        /**
         * The address {@link Connection#localAddress()} reports. Default: the loopback address, port 0.
         *
         * @param localAddress this side's address
         * @return this builder
         */
        public Builder<M> localAddress(InetSocketAddress localAddress) {
            this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
            return this;
        }

        /**
         * Validates the options and starts the connection: it writes its HELLO (binary framing) or opens at once
         * (line framing), on the calling thread, which from now on plays its reader.
         *
         * @return the connection
         * @throws IllegalArgumentException naming every invalid option
         */
        public EmbeddedConnection<M> build() {
            Settings<M> settings;
            byte[] hello;
            try (ConnectionManager<M> manager = options.build()) {
                settings = Managers.settings(manager);
                hello = Managers.hello(manager);
            }
            return new EmbeddedConnection<>(settings, listener, hello, client, localAddress, remoteAddress, jitter);
        }
    }
}
