package dev.vigil.internal.io;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.ConnectionListener;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.Settings;
import dev.vigil.internal.conn.Clock;
import dev.vigil.internal.conn.ConnectionCore;
import dev.vigil.internal.conn.HeartbeatJudge;
import dev.vigil.internal.wire.InboundBuffer;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link ConnectionCore} wired to a socket: the reader virtual thread ({@code vigil-conn-42-reader}) reads into the
 * core, writes go straight to the socket's output, helpers run on short-lived named virtual threads
 * ({@code vigil-conn-42-writer}, {@code -closer}, {@code -events}), and the deadline sits on the manager's timer.
 *
 * @param <M> the type of messages
 */
public final class SocketConnection<M> extends ConnectionCore<M> implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SocketConnection.class);
    private static final Thread.UncaughtExceptionHandler UNCAUGHT = SocketConnection::uncaught;

    /** What the manager gives its connections. */
    public interface Host<M> {
        /** This connection's place on the manager's timer: a deadline to move, {@code NO_DEADLINE} to cancel. */
        Slot timerSlot(ConnectionCore<M> connection);

        void opened(SocketConnection<M> connection);

        void closed(SocketConnection<M> connection);
    }

    /** A connection's entry on the manager's timer. */
    @FunctionalInterface
    public interface Slot {
        void schedule(long deadline);
    }

    private final Host<M> host;
    private final Socket socket;
    /** The TCP socket under {@link #socket} (the same one without TLS): closing it never blocks on a TLS alert. */
    private final Socket raw;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    private final Slot timer;
    private final long readSpinNanos;
    /** The local address of the connection made last: those accepted on one server socket share one object. */
    private static volatile @Nullable InetSocketAddress lastLocal;
    private volatile @Nullable Thread readerThread;
    private volatile @Nullable OutputStream out;

    @SuppressWarnings("this-escape") // the timer slot keeps a reference; it is not called before start()
    public SocketConnection(Settings<M> settings, ConnectionListener<M> listener, HeartbeatJudge heartbeat,
                            MetricsObserver metrics, Clock clock, long id, boolean client, byte[] hello,
                            Host<M> host, Socket socket, Socket raw) {
        super(settings, listener, heartbeat, metrics, clock, id, client, hello);
        this.host = host;
        this.socket = socket;
        this.raw = raw;
        this.localAddress = shared((InetSocketAddress) socket.getLocalSocketAddress());
        this.remoteAddress = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.timer = host.timerSlot(this);
        this.readSpinNanos = settings.readSpin().toNanos();
    }

    /** {@return {@code local}, or an equal address an earlier connection holds (some 100 bytes less each)} */
    private static InetSocketAddress shared(InetSocketAddress local) {
        InetSocketAddress last = lastLocal;
        if (local.equals(last)) {
            return last;
        }
        lastLocal = local;
        return local;
    }

    /** Starts the reader virtual thread, which runs {@link #run}. */
    public void startReader() {
        virtualThread("reader", this);
    }

    /**
     * The reader virtual thread's whole life (as Helidon's {@code ConnectionHandler}: everything here runs on it):
     * start the core, then read into its buffer and hand over what arrived until the core or the socket says stop,
     * then let the core finish. It owns the socket's input and every listener call the core makes from it.
     *
     * <p>The loop is here, in the thread's body itself (this object, not a lambda), because every frame and object
     * between the thread's start and the socket read it parks in stays on the heap for as long as the connection is
     * idle: a helper method's frame would cost each idle connection its bytes.
     */
    @Override
    public void run() {
        readerThread = Thread.currentThread();
        try {
            InputStream in = openStreams();
            start();
            InboundBuffer buffer = inbound();
            boolean more = true;
            while (more) {
                readStarting();
                int space = buffer.writable();
                int n;
                try {
                    n = in.read(buffer.array(), buffer.writeIndex(), space);
                } catch (IOException e) {
                    readDone(0, space);
                    throw e;
                }
                more = readDone(n, space);
                for (long pause; more && (pause = readPause()) != 0; ) {
                    if (pause < 0) {
                        more = false;
                    } else {
                        LockSupport.parkNanos(pause); // over its data rate: TCP pushes back on the peer meanwhile
                    }
                }
            }
        } catch (IOException e) {
            readFailed(IoFailures.reason(e, true));
        } catch (RuntimeException | Error e) {
            log.error("{}: reader failed unexpectedly", logName(), e);
            abort(new CloseReason(Kind.IO_ERROR, false, "internal error: " + e, e), false);
        } finally {
            finish();
        }
    }

    /** Opens the socket's streams, on the reader thread (with TLS, that is where the handshake may start). */
    private InputStream openStreams() throws IOException {
        out = socket.getOutputStream();
        return SpinningInput.wrap(socket.getInputStream(), raw.getInputStream(), readSpinNanos);
    }

    private void virtualThread(String role, Runnable task) {
        Thread.ofVirtual().name("vigil-conn-" + id() + "-" + role).uncaughtExceptionHandler(UNCAUGHT).start(task);
    }

    private static void uncaught(Thread thread, Throwable error) {
        log.error("uncaught exception in {}", thread.getName(), error);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.requireNonNull(out, "the reader has not started").write(b, off, len);
    }

    @Override
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            log.debug("{}: shutdownOutput failed: {}", logName(), e.toString());
        }
    }

    @Override
    public void closeTransport() {
        try {
            raw.close();
        } catch (IOException e) {
            log.debug("{}: closing the socket failed: {}", logName(), e.toString());
        }
    }

    @Override
    public void spawn(String role, Runnable task) {
        virtualThread(role, task);
    }

    @Override
    public void schedule(long deadline) {
        timer.schedule(deadline);
    }

    @Override
    public boolean readerBusy() {
        Thread reader = readerThread;
        return reader != null && reader.getState() == Thread.State.RUNNABLE;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code FIONREAD} on the TCP socket (under TLS too: encrypted bytes are bytes the peer sent). It covers a
     * reader that cannot even be woken: when every carrier of the virtual-thread scheduler is busy, the JDK's poller
     * (a virtual thread itself on JDK 25) does not run either, so the reader stays parked while the peer's frames
     * wait in the kernel.
     */
    @Override
    public boolean bytesWaiting() {
        try {
            return raw.getInputStream().available() > 0;
        } catch (IOException e) {
            return false; // closed or failing: the reader will say so; this is no sign of life
        }
    }

    @Override
    public CloseReason failure(IOException e) {
        return IoFailures.reason(e, false);
    }

    @Override
    public void registered() {
        host.opened(this);
    }

    @Override
    public void unregistered() {
        host.closed(this);
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }
}
