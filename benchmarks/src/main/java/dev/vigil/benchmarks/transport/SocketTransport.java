package dev.vigil.benchmarks.transport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor: plain {@link Socket}s, one thread per connection on each side, buffered streams, and the {@link Frames}
 * framing. A connection's thread reads frames, and flushes what it wrote once its input is drained; a heartbeat is
 * driven by {@code SO_TIMEOUT} on that same thread. {@code socket} runs platform threads (the kernel wakes a blocked
 * reader itself); {@code socket-virtual} runs the same code on virtual threads, so it pays what Vigil's design pays
 * for a blocking read (the JDK's poller and scheduler) and nothing of Vigil's own work: the floor of a virtual thread
 * per connection.
 */
final class SocketTransport implements EchoTransport {
    private static final int BUFFER = 8192;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final boolean virtual;

    private final Set<Peer> peers = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket serverSocket;
    private volatile boolean closed;

    /** @param virtual whether every connection's thread (and the accept loop's) is a virtual thread */
    SocketTransport(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public InetSocketAddress startServer(Heartbeat heartbeat, ServerEvents events) throws IOException {
        ServerSocket ss = new ServerSocket(0, 4096, LOOPBACK);
        serverSocket = ss;
        start("bench-socket-accept", () -> {
            while (!closed) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    return; // closed
                }
                try {
                    InetSocketAddress remote = (InetSocketAddress) s.getRemoteSocketAddress();
                    Peer peer = new Peer(s, heartbeat, (p, buf, len) -> p.write(buf, len), () -> { },
                            timedOut -> events.onClose(remote, timedOut));
                    events.onOpen(remote);
                    start("bench-socket-server-" + IDS.incrementAndGet(), peer);
                } catch (IOException e) {
                    closeQuietly(s);
                }
            }
        });
        return (InetSocketAddress) ss.getLocalSocketAddress();
    }

    @Override
    public Client connect(InetSocketAddress server, Heartbeat heartbeat, EchoListener listener) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(server, (int) WAIT.toMillis());
            SocketClient[] self = new SocketClient[1];
            Peer peer = new Peer(s, heartbeat, (p, buf, len) -> listener.onEcho(self[0], len),
                    () -> listener.onHeartbeat(self[0]), timedOut -> listener.onClose(self[0], timedOut));
            self[0] = new SocketClient(peer);
            start("bench-socket-client-" + IDS.incrementAndGet(), peer);
            return self[0];
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    @Override
    public void close() {
        closed = true;
        ServerSocket ss = serverSocket;
        if (ss != null) {
            closeQuietly(ss);
        }
        for (Peer p : peers) {
            closeQuietly(p.socket);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private void start(String name, Runnable task) {
        Thread[] self = new Thread[1];
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
        self[0] = builder.name(name).unstarted(() -> {
            try {
                task.run();
            } finally {
                threads.remove(self[0]);
            }
        });
        threads.add(self[0]);
        self[0].start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** What a peer does with a data frame; {@code buf} is reused after the call. */
    @FunctionalInterface
    private interface FrameSink {
        void onData(Peer peer, byte[] buf, int len) throws IOException;
    }

    @FunctionalInterface
    private interface CloseSink {
        void onClose(boolean heartbeatTimeout);
    }

    /** One end of a connection and the thread that reads it. */
    private final class Peer implements Runnable {
        final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        private final Heartbeat heartbeat;
        private final FrameSink sink;
        private final Runnable onControl;
        private final CloseSink onClose;
        private byte[] buf = new byte[1024];
        private boolean dirty; // guarded by out
        private long lastHeard = System.nanoTime();
        private long nextPing;

        Peer(Socket socket, Heartbeat heartbeat, FrameSink sink, Runnable onControl, CloseSink onClose)
                throws IOException {
            this.socket = socket;
            this.heartbeat = heartbeat;
            this.sink = sink;
            this.onControl = onControl;
            this.onClose = onClose;
            socket.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
            if (heartbeat != null) {
                nextPing = lastHeard + heartbeat.interval().toNanos();
            }
            peers.add(this);
        }

        @Override
        public void run() {
            boolean timedOut = false;
            try {
                while (true) {
                    int len = heartbeat == null ? in.readInt() : readLengthOrTimeout();
                    if (len < 0) {
                        timedOut = true;
                        break;
                    }
                    if (len > Frames.MAX_PAYLOAD) {
                        throw new IOException("frame of " + len + " bytes");
                    }
                    if (buf.length < len) {
                        buf = new byte[Math.max(len, buf.length * 2)];
                    }
                    in.readFully(buf, 0, len);
                    if (heartbeat != null && len == Frames.CONTROL_LENGTH) {
                        onControl.run();
                        if (buf[0] == Frames.PING) {
                            control(Frames.PONG);
                        }
                    } else {
                        sink.onData(this, buf, len);
                    }
                    if (in.available() == 0) {
                        flush();
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // EOF, reset, or closed by close(): the connection is over
            } finally {
                closeQuietly(socket);
                peers.remove(this);
                onClose.onClose(timedOut);
            }
        }

        /**
         * Reads a frame's length, pinging after each interval of silence.
         *
         * @return the length, or -1 once the peer has been silent for the timeout
         */
        private int readLengthOrTimeout() throws IOException {
            long timeout = heartbeat.timeout().toNanos();
            while (true) {
                long now = System.nanoTime();
                long deadline = lastHeard + timeout;
                if (now - deadline >= 0) {
                    return -1;
                }
                if (now - nextPing >= 0) {
                    control(Frames.PING);
                    flush();
                    nextPing += heartbeat.interval().toNanos();
                    continue;
                }
                long wait = Math.min(nextPing, deadline) - now;
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (first < 0) {
                    throw new EOFException();
                }
                lastHeard = System.nanoTime();
                nextPing = lastHeard + heartbeat.interval().toNanos();
                // A peer that stalls inside a frame for the whole timeout is dead too.
                socket.setSoTimeout((int) heartbeat.timeout().toMillis());
                try {
                    return first << 24 | in.readUnsignedByte() << 16 | in.readUnsignedShort();
                } catch (SocketTimeoutException e) {
                    return -1;
                }
            }
        }

        private void control(byte type) throws IOException {
            synchronized (out) {
                out.writeInt(Frames.CONTROL_LENGTH);
                out.writeByte(type);
                dirty = true;
            }
        }

        void write(byte[] payload, int len) throws IOException {
            synchronized (out) {
                out.writeInt(len);
                out.write(payload, 0, len);
                dirty = true;
            }
        }

        void flush() throws IOException {
            synchronized (out) {
                if (dirty) {
                    dirty = false;
                    out.flush();
                }
            }
        }
    }

    private record SocketClient(Peer peer) implements Client {
        @Override
        public void send(byte[] payload) {
            try {
                peer.write(Frames.checkData(payload), payload.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void flush() {
            try {
                peer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            closeQuietly(peer.socket);
        }
    }
}
