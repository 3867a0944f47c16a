package dev.vigil.benchmarks.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy for one connection that forwards both ways until {@link #mute()}, and from then on reads and discards
 * everything in both directions and closes nothing: to each end the other has gone silent with the connection left
 * open, as a peer behind a blackholing firewall or a frozen process would be. Two platform threads.
 */
public final class BlackholeProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final CompletableFuture<Integer> upstreamPort = new CompletableFuture<>();
    private final Object lock = new Object();
    private final Thread up;
    private volatile boolean muted;
    private volatile boolean closed;
    private volatile Socket client;
    private volatile Socket server;
    private volatile Thread down;

    /**
     * Listens on a free loopback port; the first connection accepted is forwarded to {@code target}.
     *
     * @param target where to forward
     * @throws IOException if it cannot listen
     */
    public BlackholeProxy(InetSocketAddress target) throws IOException {
        listener = new ServerSocket(0, 1, EchoTransport.LOOPBACK);
        up = Thread.ofPlatform().name("bench-proxy-up").daemon(true).start(() -> {
            try {
                Socket c = listener.accept();
                client = c;
                Socket s = new Socket();
                server = s;
                if (closed) {
                    // close() ran meanwhile, and may have missed one of them
                    c.close();
                    s.close();
                    return;
                }
                c.setTcpNoDelay(true);
                s.setTcpNoDelay(true);
                s.connect(target, (int) EchoTransport.WAIT.toMillis());
                down = Thread.ofPlatform().name("bench-proxy-down").daemon(true).start(() -> pump(s, c));
                upstreamPort.complete(s.getLocalPort());
                pump(c, s);
            } catch (IOException e) {
                upstreamPort.completeExceptionally(e);
            }
        });
    }

    /** {@return the address to connect to instead of the target} */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /**
     * Waits until a client connected and the proxy reached the target.
     *
     * @return the local port of the proxy's connection to the target: the port the target sees as the peer's
     * @throws IOException if that failed or took longer than {@link EchoTransport#WAIT}
     */
    public int awaitUpstreamPort() throws IOException {
        try {
            return upstreamPort.get(EchoTransport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IOException("proxy: no upstream connection", e);
        }
    }

    /** From now on, drops every byte both ways and leaves both connections open. */
    public void mute() {
        synchronized (lock) {
            muted = true;
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (lock) {
                    if (!muted) {
                        out.write(buf, 0, n);
                    }
                }
            }
            synchronized (lock) {
                if (!muted) {
                    to.shutdownOutput();
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        upstreamPort.cancel(false);
        listener.close();
        for (Socket s : new Socket[] {client, server}) {
            if (s != null) {
                s.close();
            }
        }
        try {
            up.join(EchoTransport.WAIT.toMillis());
            Thread d = down;
            if (d != null) {
                d.join(EchoTransport.WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
