package dev.vigil.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny TCP proxy that can fail the way networks and machines really fail, for the examples and their tests.
 *
 * <p>Clients connect to {@link #address()}; each connection is forwarded to the target by two pumps on virtual
 * threads, one per direction. Two faults can be switched on at any moment:
 * <ul>
 *   <li>{@link #blackhole()}: every byte, both ways, is swallowed from now on, and <em>both sockets stay open</em>.
 *       Neither side gets a FIN or a RST; it just hears nothing. This is what a peer looks like when its power is cut,
 *       its cable pulled or a firewall starts dropping packets: TCP itself will not notice for many minutes, which is
 *       the reason heartbeats exist.</li>
 *   <li>{@link #latency(Duration)}: every chunk is delivered that much later, each way, so a round trip takes twice
 *       as long. Raising it over time looks like a congested link or an overloaded peer.</li>
 * </ul>
 *
 * <p>Closing the proxy closes every socket it holds.
 */
public final class BlackholeProxy implements AutoCloseable {

    /** A chunk of bytes on its way, and when it may be written. An empty chunk stands for end of stream. */
    private record Chunk(byte[] bytes, long deliverAtNanos) {
    }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> writers = new CopyOnWriteArrayList<>();
    private volatile boolean blackholed;
    private volatile long latencyNanos;
    private volatile boolean closed;

    private BlackholeProxy(InetSocketAddress target, ServerSocket server) {
        this.target = target;
        this.server = server;
    }

    /**
     * Starts a proxy on a free loopback port that forwards to {@code target}.
     *
     * @throws IOException if no port can be bound
     */
    public static BlackholeProxy start(InetSocketAddress target) throws IOException {
        ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        BlackholeProxy proxy = new BlackholeProxy(target, server);
        Thread.ofVirtual().name("proxy-accept-" + server.getLocalPort()).start(proxy::acceptLoop);
        return proxy;
    }

    /** {@return where clients should connect instead of the target} */
    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** From now on, swallow every byte both ways and keep every socket open: the peer went silent. */
    public void blackhole() {
        blackholed = true;
    }

    /** {@return whether {@link #blackhole()} was called} */
    public boolean isBlackholed() {
        return blackholed;
    }

    /** Sets the delay added to every chunk in each direction; applies to bytes read from now on. */
    public void latency(Duration oneWay) {
        latencyNanos = oneWay.toNanos();
    }

    /** {@return the delay currently added in each direction} */
    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5_000);
                } catch (IOException e) {
                    client.close(); // the target is not there: refuse, as a real proxy would
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: accept failed: " + e);
                }
                return;
            }
        }
    }

    /** Forwards {@code from} to {@code to}: a reader thread queues chunks, a writer thread delivers them on time. */
    private void pump(Socket from, Socket to) {
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (!blackholed) {
                        queue.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + latencyNanos));
                    }
                }
            } catch (IOException e) {
                // the socket was closed or reset; fall through to end of stream
            }
            // A powered-off peer sends no FIN: once blackholed, an end of stream is swallowed like everything else.
            if (!blackholed) {
                queue.add(new Chunk(new byte[0], System.nanoTime() + latencyNanos));
            }
        });
        writers.add(Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    long wait = chunk.deliverAtNanos() - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait); // cheap on a virtual thread
                    }
                    if (blackholed) {
                        continue; // bytes already in flight vanish too
                    }
                    if (chunk.bytes().length == 0) {
                        to.shutdownOutput(); // pass the FIN on: a clean close stays clean through the proxy
                        return;
                    }
                    out.write(chunk.bytes());
                }
            } catch (IOException e) {
                if (!blackholed) {
                    closeQuietly(from); // the other side broke: break this side too, as a real connection would
                }
            } catch (InterruptedException e) {
                // the proxy is closing
            }
        }));
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sockets.forEach(BlackholeProxy::closeQuietly);
        writers.forEach(Thread::interrupt); // a writer of a silent link waits on its queue for ever otherwise
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "BlackholeProxy[" + address() + " -> " + target + (blackholed ? ", blackholed" : "")
                + (latencyNanos > 0 ? ", latency " + Duration.ofNanos(latencyNanos).toMillis() + " ms" : "") + "]";
    }
}
