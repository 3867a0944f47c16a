package dev.vigil.internal.presence;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.MessageCodec;
import dev.vigil.cluster.Backplane;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A manager whose {@link #broadcast} reaches every node of the backplane: the message is encoded once with the
 * manager's codec and published on {@link #TOPIC}; this node's connections get it directly (not through the
 * backplane, so they get it even while the backplane is down); every other node decodes it and broadcasts it to its
 * own connections. Everything else is the wrapped manager's.
 *
 * @param <M> the type of messages
 */
final class ClusteredConnectionManager<M> implements ConnectionManager<M> {
    /** The backplane topic that carries broadcasts. */
    static final String TOPIC = "vigil.broadcast";

    private static final Logger log = LoggerFactory.getLogger(ClusteredConnectionManager.class);

    private final ConnectionManager<M> local;
    private final MessageCodec<M> codec;
    private final Backplane backplane;
    private final Backplane.Subscription subscription;
    private final AtomicLong undecodable = new AtomicLong();

    ClusteredConnectionManager(ConnectionManager<M> local, MessageCodec<M> codec, Backplane backplane) {
        this.local = local;
        this.codec = codec;
        this.backplane = backplane;
        this.subscription = backplane.subscribe(TOPIC, this::fromBackplane);
    }

    private void fromBackplane(String topic, String fromNode, byte[] payload) {
        if (fromNode.equals(backplane.nodeId())) {
            return; // delivered locally when it was sent
        }
        M message;
        try {
            message = codec.decode(payload, 0, payload.length);
        } catch (IOException | RuntimeException e) {
            long n = undecodable.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                log.warn("dropping a broadcast of {} bytes from node {} that {} cannot decode ({} so far): {}",
                        payload.length, fromNode, codec, n, e.toString());
            }
            return;
        }
        local.broadcast(message);
    }

    @Override
    public CompletableFuture<Integer> broadcast(M message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            codec.encode(message, out);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        backplane.publish(TOPIC, out.toByteArray());
        return local.broadcast(message);
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address) throws IOException {
        return local.bind(address);
    }

    @Override
    public InetSocketAddress bind(int port) throws IOException {
        return local.bind(port);
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return local.boundAddresses();
    }

    @Override
    public Connection<M> connect(InetSocketAddress address) throws IOException {
        return local.connect(address);
    }

    @Override
    public Connection<M> connect(InetSocketAddress address, @Nullable Object attachment) throws IOException {
        return local.connect(address, attachment);
    }

    @Override
    public Connection<M> connect(InetSocketAddress address, ConnectionListener<M> listener,
                                 @Nullable Object attachment) throws IOException {
        return local.connect(address, listener, attachment);
    }

    @Override
    public Connection<M> connect(String host, int port) throws IOException {
        return local.connect(host, port);
    }

    @Override
    public Collection<Connection<M>> connections() {
        return local.connections();
    }

    @Override
    public boolean shutdown(Duration grace) throws InterruptedException {
        subscription.close();
        return local.shutdown(grace);
    }

    @Override
    public boolean drain(Duration window, @Nullable InetSocketAddress elsewhere) throws InterruptedException {
        try {
            return local.drain(window, elsewhere); // still subscribed: the clients not yet closed get the broadcasts
        } finally {
            subscription.close();
        }
    }

    @Override
    public void close() {
        subscription.close();
        local.close();
    }

    @Override
    public String toString() {
        return local + " on " + backplane;
    }
}
