package dev.vigil.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fault-injecting TCP proxy for tests, in the spirit of Toxiproxy's toxics.
 *
 * <p>Clients connect to {@link #address()}; every accepted connection becomes a <em>link</em> with its own
 * connection to the target. Bytes flowing client to target travel {@link Direction#UPSTREAM}, bytes flowing
 * target to client travel {@link Direction#DOWNSTREAM}. Toxics can be switched on and off at any time; they apply
 * to live links and to links accepted later.
 *
 * <p>Each direction of a link is served by two virtual threads: a reader ({@code fault-proxy-7-up}) that stamps
 * every chunk with its arrival time, and a deliverer ({@code fault-proxy-7-up-deliver}) that applies the toxics and
 * writes. Splitting them is what lets latency delay each chunk from its <em>arrival</em> instead of stacking up
 * behind the previous chunk's delay, while a single deliverer per direction keeps the bytes in order.
 *
 * <p>A clean end of stream is passed on as a half close, so a client that shuts down its output is seen by the
 * target as EOF and vice versa; a link is released once both directions have ended or anything fails.
 */
public final class FaultProxy implements AutoCloseable {

    /** The way bytes travel through a link. */
    public enum Direction {
        /** From the client to the target. */
        UPSTREAM,
        /** From the target to the client. */
        DOWNSTREAM,
        /** Both of the above. */
        BOTH;

        List<Direction> expand() {
            return this == BOTH ? List.of(UPSTREAM, DOWNSTREAM) : List.of(this);
        }
    }

    private static final int BUFFER_SIZE = 8 * 1024;
    /** Chunks a reader may run ahead of its deliverer; bounds memory at 8 x 8 KiB per direction. */
    private static final int QUEUE_CHUNKS = 8;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(10);
    private static final long DEFAULT_SEED = 0x5EED_F00DL;
    /** Bandwidth is paced in slices of this much time, so slow rates trickle instead of bursting whole chunks. */
    private static final long PACING_SLICES_PER_SECOND = 100;
    private static final AtomicInteger LINK_IDS = new AtomicInteger();

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Random random;
    private final Toxics upstream = new Toxics();
    private final Toxics downstream = new Toxics();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition linksChanged = lock.newCondition();
    private final Set<Link> links = new HashSet<>();
    private final Thread acceptor;
    private boolean closed; // guarded by lock

    private FaultProxy(ServerSocket listener, InetSocketAddress target, long seed) {
        this.listener = listener;
        this.target = target;
        this.random = new Random(seed);
        this.acceptor = Thread.ofVirtual()
                .name("fault-proxy-accept-" + listener.getLocalPort())
                .start(this::acceptLoop);
    }

    /**
     * Starts a proxy on {@code 127.0.0.1} with an ephemeral port, forwarding to {@code target}, with a fixed
     * default seed for latency jitter.
     *
     * @param target where every accepted connection is forwarded to
     * @return the running proxy
     * @throws IOException if the listening socket cannot be opened
     */
    public static FaultProxy start(InetSocketAddress target) throws IOException {
        return start(target, DEFAULT_SEED);
    }

    /**
     * Starts a proxy on {@code 127.0.0.1} with an ephemeral port, forwarding to {@code target}.
     *
     * @param target where every accepted connection is forwarded to
     * @param seed seeds the jitter drawn by {@link #latency}; which chunk gets which draw still depends on
     *     scheduling, since all links share one generator
     * @return the running proxy
     * @throws IOException if the listening socket cannot be opened
     */
    public static FaultProxy start(InetSocketAddress target, long seed) throws IOException {
        Objects.requireNonNull(target, "target");
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        ServerSocket listener = new ServerSocket(0, 1024, loopback);
        return new FaultProxy(listener, target, seed);
    }

    /**
     * Returns the address clients should connect to instead of the target.
     *
     * @return the proxy's listening address on {@code 127.0.0.1}
     */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /**
     * Delays every chunk by {@code base} plus a uniformly drawn {@code [0, jitter)}. Order is preserved: a chunk is
     * never delivered before the one ahead of it, so jitter stretches gaps rather than shuffling bytes.
     *
     * @param direction which way to delay
     * @param base the minimum delay
     * @param jitter the width of the random extra delay; zero for none
     */
    public void latency(Direction direction, Duration base, Duration jitter) {
        Latency latency = new Latency(nonNegativeNanos(base, "base"), nonNegativeNanos(jitter, "jitter"));
        for (Toxics toxics : toxics(direction)) {
            toxics.latency = latency;
        }
    }

    /**
     * Limits forwarding to {@code bytesPerSecond}. Idle time earns no credit, so a burst after a pause is paced too.
     *
     * @param direction which way to throttle
     * @param bytesPerSecond the rate, at least 1
     */
    public void bandwidth(Direction direction, long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        for (Toxics toxics : toxics(direction)) {
            toxics.bytesPerSecond = bytesPerSecond;
        }
    }

    /**
     * Swallows every byte not yet delivered, while the connection stays open: the sender's writes succeed and the
     * receiver hears nothing, like a peer that lost power or a NAT that forgot the mapping. The sender's FIN or reset
     * is swallowed too: the receiver's side of the link stays open, with no FIN and no RST. Swallowed bytes are gone
     * for good, even after {@link #clearToxics()}.
     *
     * @param direction which way to swallow
     */
    public void blackhole(Direction direction) {
        for (Toxics toxics : toxics(direction)) {
            toxics.blackhole = true;
        }
    }

    /**
     * Delivers one byte per write, each flushed, so a receiver sees the stream in many tiny reads. Without a pause
     * the receiver may still pick up a few bytes per read when it wakes up late; use
     * {@link #sliceBytes(Direction, Duration)} when every byte must arrive on its own.
     *
     * @param direction which way to slice
     */
    public void sliceBytes(Direction direction) {
        sliceBytes(direction, Duration.ZERO);
    }

    /**
     * Delivers one byte per write, each flushed, and pauses between bytes.
     *
     * @param direction which way to slice
     * @param pause how long to wait after each byte; zero for none
     */
    public void sliceBytes(Direction direction, Duration pause) {
        long pauseNanos = nonNegativeNanos(pause, "pause");
        for (Toxics toxics : toxics(direction)) {
            toxics.slicePauseNanos = pauseNanos;
        }
    }

    /**
     * Lets exactly {@code bytes} more bytes through in the given direction on each link, then closes both of that
     * link's sockets, cutting the stream mid-flight. Each link and each direction gets its own budget; with
     * {@link Direction#BOTH} whichever direction spends its budget first cuts the link. The cut follows the last
     * allowed byte at once; with a budget of zero it comes when the next byte arrives.
     *
     * @param direction which way to count
     * @param bytes how many more bytes to forward, at least 0
     */
    public void cutAfter(Direction direction, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
        for (Toxics toxics : toxics(direction)) {
            // A fresh object, not just a number, so a deliverer can tell a new budget from the one it is spending.
            toxics.cut = new Cut(bytes);
        }
    }

    /**
     * Shuts down output toward the receiver of the given direction, so it sees EOF while the opposite direction keeps
     * working. Bytes that arrive afterwards in that direction are read and dropped, so the sender never stalls. A
     * TCP half close cannot be undone: {@link #clearToxics()} only spares links accepted afterwards.
     *
     * @param direction which receiver gets EOF: the target for {@code UPSTREAM}, the client for {@code DOWNSTREAM}
     */
    public void halfClose(Direction direction) {
        List<Direction> directions = Objects.requireNonNull(direction, "direction").expand();
        for (Direction each : directions) {
            toxicsOf(each).halfClosed = true;
        }
        for (Link link : liveLinks()) {
            for (Direction each : directions) {
                link.pump(each).shutdownOutput();
            }
        }
    }

    /**
     * Resets every live link: both sockets are closed with {@code SO_LINGER} 0, so client and target see a TCP RST
     * ("Connection reset") rather than an orderly EOF. Links accepted afterwards are unaffected.
     */
    public void resetAll() {
        for (Link link : liveLinks()) {
            link.close(true);
        }
    }

    /**
     * Removes every toxic in both directions. Bytes already swallowed by a blackhole stay lost, and directions that
     * were half closed stay closed on the links they were closed on.
     */
    public void clearToxics() {
        upstream.clear();
        downstream.clear();
    }

    /**
     * Returns how many links are live: accepted, connected to the target, and not yet closed.
     *
     * @return the number of live links
     */
    public int activeLinks() {
        lock.lock();
        try {
            return links.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns, for each live link, the local address of the proxy's connection to the target: the address the target
     * sees as its peer's, so a test can tell which of the target's connections a link carries.
     *
     * @return the addresses, in no particular order
     */
    public List<InetSocketAddress> upstreamAddresses() {
        lock.lock();
        try {
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (Link link : links) {
                addresses.add((InetSocketAddress) link.server.getLocalSocketAddress());
            }
            return addresses;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until exactly {@code n} links are live, for instance 1 after a client connected or 0 after a reset.
     *
     * @param n the number of live links to wait for
     * @param timeout how long to wait at most
     * @return whether {@code n} links were live before the timeout
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitLinks(int n, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (links.size() != n) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = linksChanged.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting, closes every link and waits for all of the proxy's threads to finish. Idempotent.
     *
     * @throws IllegalStateException if a proxy thread is still running after a generous deadline, which would be a
     *     bug in the proxy
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        closeQuietly(listener);
        // The acceptor may be connecting to the target; an interrupt aborts that connect.
        acceptor.interrupt();
        long deadline = System.nanoTime() + CLOSE_DEADLINE.toNanos();
        List<Thread> threads = new ArrayList<>();
        threads.add(acceptor);
        join(acceptor, deadline);
        // The acceptor has stopped, so no link can be registered behind this snapshot.
        for (Link link : liveLinks()) {
            link.close(false);
            threads.addAll(link.threads());
        }
        for (Thread thread : threads) {
            join(thread, deadline);
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // the listener was closed
            }
            Socket server = new Socket();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(target, CONNECT_TIMEOUT_MILLIS);
                open(new Link(client, server));
            } catch (IOException e) {
                // The target refused or vanished: the client sees its connection close, as it would without a proxy.
                closeQuietly(client);
                closeQuietly(server);
            }
        }
    }

    private void open(Link link) {
        lock.lock();
        try {
            if (closed) {
                link.close(false);
                return;
            }
            links.add(link);
            linksChanged.signalAll();
        } finally {
            lock.unlock();
        }
        for (Direction direction : Direction.BOTH.expand()) {
            if (toxicsOf(direction).halfClosed) {
                link.pump(direction).shutdownOutput();
            }
        }
        link.start();
    }

    private void release(Link link) {
        lock.lock();
        try {
            if (links.remove(link)) {
                linksChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private List<Link> liveLinks() {
        lock.lock();
        try {
            return List.copyOf(links);
        } finally {
            lock.unlock();
        }
    }

    private List<Toxics> toxics(Direction direction) {
        return Objects.requireNonNull(direction, "direction").expand().stream().map(this::toxicsOf).toList();
    }

    private Toxics toxicsOf(Direction oneWay) {
        return oneWay == Direction.UPSTREAM ? upstream : downstream;
    }

    private static long nonNegativeNanos(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + duration);
        }
        return duration.toNanos();
    }

    private static void join(Thread thread, long deadline) {
        try {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !thread.join(Duration.ofNanos(remaining))) {
                throw new IllegalStateException("fault proxy thread did not stop: " + thread);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        // Loop because a park may end early; callers rely on never delivering before the deadline.
        for (long remaining = deadline - System.nanoTime(); remaining > 0; remaining = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Nothing useful to do: the socket is going away either way.
        }
    }

    /** The toxics of one direction. Volatile fields, so a change reaches deliverers on their next chunk. */
    private static final class Toxics {
        volatile Latency latency;
        volatile long bytesPerSecond;
        volatile boolean blackhole;
        volatile long slicePauseNanos = -1;
        volatile Cut cut;
        volatile boolean halfClosed;

        void clear() {
            latency = null;
            bytesPerSecond = 0;
            blackhole = false;
            slicePauseNanos = -1;
            cut = null;
            halfClosed = false;
        }
    }

    private record Latency(long baseNanos, long jitterNanos) {
        long draw(Random random) {
            return baseNanos + (jitterNanos > 0 ? random.nextLong(jitterNanos) : 0);
        }
    }

    private record Cut(long bytes) {
    }

    private record Chunk(byte[] bytes, long arrivalNanos) {
        static final Chunk END_OF_STREAM = new Chunk(new byte[0], 0);
    }

    /** One proxied connection: a client socket, its target socket and a pump per direction. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private final Pump up;
        private final Pump down;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicInteger endedDirections = new AtomicInteger();

        Link(Socket client, Socket server) throws IOException {
            int id = LINK_IDS.incrementAndGet();
            this.client = client;
            this.server = server;
            this.up = new Pump(this, "fault-proxy-" + id + "-up", upstream, client, server);
            this.down = new Pump(this, "fault-proxy-" + id + "-down", downstream, server, client);
        }

        Pump pump(Direction direction) {
            return direction == Direction.UPSTREAM ? up : down;
        }

        List<Thread> threads() {
            return List.of(up.reader, up.deliverer, down.reader, down.deliverer);
        }

        void start() {
            for (Thread thread : threads()) {
                thread.start();
            }
            // A close that raced with start may have interrupted threads that were not alive yet; repeat it.
            if (closed.get()) {
                interruptOthers();
            }
        }

        boolean isClosed() {
            return closed.get();
        }

        /** Called when a direction has passed its EOF on; the link is done once both have. */
        void directionEnded() {
            if (endedDirections.incrementAndGet() == 2) {
                close(false);
            }
        }

        void close(boolean reset) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (reset) {
                try {
                    client.setSoLinger(true, 0);
                    server.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // Already closed by a peer; it cannot be reset any harder.
                }
            }
            closeQuietly(client);
            closeQuietly(server);
            // Closing the sockets wakes blocked reads and writes; the interrupt wakes queue waits and toxic sleeps.
            interruptOthers();
            release(this);
        }

        private void interruptOthers() {
            for (Thread thread : threads()) {
                if (thread != Thread.currentThread()) {
                    thread.interrupt();
                }
            }
        }
    }

    /** One direction of a link: a reader that queues stamped chunks and a deliverer that applies the toxics. */
    private final class Pump {
        private final Link link;
        private final Toxics toxics;
        private final Socket receiver;
        private final InputStream in;
        private final OutputStream out;
        private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
        private final AtomicBoolean outputShut = new AtomicBoolean();
        final Thread reader;
        final Thread deliverer;

        // Only touched by the deliverer thread.
        private long lastDeliveryNanos = System.nanoTime();
        private long releaseAtNanos = System.nanoTime();
        private Cut seenCut;
        private long budget = Long.MAX_VALUE;

        Pump(Link link, String name, Toxics toxics, Socket sender, Socket receiver) throws IOException {
            this.link = link;
            this.toxics = toxics;
            this.receiver = receiver;
            this.in = sender.getInputStream();
            this.out = receiver.getOutputStream();
            this.reader = Thread.ofVirtual().name(name).unstarted(this::read);
            this.deliverer = Thread.ofVirtual().name(name + "-deliver").unstarted(this::deliver);
        }

        void shutdownOutput() {
            if (outputShut.compareAndSet(false, true)) {
                try {
                    receiver.shutdownOutput();
                } catch (IOException ignored) {
                    // The receiver is already gone; there is nothing left to half close.
                }
            }
        }

        private void read() {
            byte[] buffer = new byte[BUFFER_SIZE];
            try {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()));
                }
                queue.put(Chunk.END_OF_STREAM);
            } catch (IOException e) {
                if (!toxics.blackhole) {
                    link.close(false); // behind a blackhole the receiver hears of no reset either
                }
            } catch (InterruptedException e) {
                // The link is closing.
            }
        }

        private void deliver() {
            try {
                while (!link.isClosed()) {
                    Chunk chunk = queue.take();
                    if (chunk == Chunk.END_OF_STREAM) {
                        if (toxics.blackhole) {
                            return; // a FIN behind a blackhole never arrives; the receiver's side stays open
                        }
                        shutdownOutput();
                        link.directionEnded();
                        return;
                    }
                    awaitLatency(chunk.arrivalNanos());
                    forward(chunk.bytes());
                }
            } catch (IOException e) {
                link.close(false);
            } catch (InterruptedException e) {
                // The link is closing.
            }
        }

        private void awaitLatency(long arrivalNanos) throws InterruptedException {
            Latency latency = toxics.latency;
            if (latency == null) {
                return;
            }
            long deliverAt = arrivalNanos + latency.draw(random);
            if (deliverAt - lastDeliveryNanos < 0) {
                deliverAt = lastDeliveryNanos; // never overtake the chunk ahead
            }
            lastDeliveryNanos = deliverAt;
            sleepUntil(deliverAt);
        }

        private void forward(byte[] bytes) throws IOException, InterruptedException {
            int offset = 0;
            while (offset < bytes.length && !link.isClosed()) {
                if (toxics.blackhole || outputShut.get()) {
                    return;
                }
                refreshBudget();
                if (budget == 0) {
                    link.close(false);
                    return;
                }
                int n = (int) Math.min(bytes.length - offset, budget);
                n = pace(n);
                write(bytes, offset, n);
                offset += n;
                if (budget != Long.MAX_VALUE) {
                    budget -= n;
                    if (budget == 0) {
                        link.close(false);
                        return;
                    }
                }
            }
        }

        private void refreshBudget() {
            Cut cut = toxics.cut;
            if (cut != seenCut) {
                seenCut = cut;
                budget = cut == null ? Long.MAX_VALUE : cut.bytes();
            }
        }

        /** Waits until {@code n} bytes (or the slice of them that fits one pacing step) may go; returns how many. */
        private int pace(int n) throws InterruptedException {
            long rate = toxics.bytesPerSecond;
            if (rate <= 0) {
                return n;
            }
            int slice = (int) Math.max(1, Math.min(n, rate / PACING_SLICES_PER_SECOND));
            long now = System.nanoTime();
            if (releaseAtNanos - now < 0) {
                releaseAtNanos = now;
            }
            // Charge the time before writing, so n bytes can never leave sooner than n / rate after the first.
            releaseAtNanos += (slice * 1_000_000_000L + rate - 1) / rate;
            sleepUntil(releaseAtNanos);
            return slice;
        }

        private void write(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
            try {
                long pauseNanos = toxics.slicePauseNanos;
                if (pauseNanos < 0) {
                    out.write(bytes, offset, length);
                    return;
                }
                for (int i = offset; i < offset + length; i++) {
                    out.write(bytes[i]);
                    out.flush();
                    if (pauseNanos > 0) {
                        TimeUnit.NANOSECONDS.sleep(pauseNanos);
                    }
                }
            } catch (IOException e) {
                // A halfClose racing with this write is expected to break it; that direction now just drops bytes.
                if (!outputShut.get()) {
                    throw e;
                }
            }
        }
    }
}
