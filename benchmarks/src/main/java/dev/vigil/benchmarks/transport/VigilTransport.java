package dev.vigil.benchmarks.transport;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.SessionPolicy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Vigil on both ends: a server manager whose listener sends every message back from the connection's own virtual
 * thread, and a client manager. Without a heartbeat Vigil runs with its default policy, as a user would; a busy
 * connection sends no PING.
 */
final class VigilTransport implements EchoTransport {
    private static final Duration GRACE = Duration.ofSeconds(5);

    private ConnectionManager<byte[]> server;
    private ConnectionManager<byte[]> clients;
    private Heartbeat clientHeartbeat;
    /** Sessions on both sides ({@code vigil-sessions}), or null (plain {@code vigil}). */
    private final SessionPolicy sessions;
    /** How long readers spin before they block ({@code vigil-spin}), on both sides; zero: off. */
    private final Duration readSpin;

    VigilTransport() {
        this(null, Duration.ZERO);
    }

    VigilTransport(SessionPolicy sessions, Duration readSpin) {
        this.sessions = sessions;
        this.readSpin = readSpin;
    }

    private ConnectionManager.Builder<byte[]> builder(Heartbeat heartbeat) {
        ConnectionManager.Builder<byte[]> b = ConnectionManager.builder(MessageCodec.bytes()).shutdownGrace(GRACE)
                .sessions(sessions).readSpin(readSpin);
        if (heartbeat != null) {
            b.heartbeat(HeartbeatPolicy.fixed(heartbeat.interval(), heartbeat.timeout()));
        }
        return b;
    }

    private static boolean timedOut(CloseReason reason) {
        return reason.kind() == CloseReason.Kind.HEARTBEAT_TIMEOUT && !reason.remote();
    }

    @Override
    public InetSocketAddress startServer(Heartbeat heartbeat, ServerEvents events) throws IOException {
        server = builder(heartbeat).listener(new ConnectionListener<>() {
            @Override
            public void onOpen(Connection<byte[]> connection) {
                events.onOpen(connection.remoteAddress());
            }

            @Override
            public void onMessage(Connection<byte[]> connection, byte[] message) {
                connection.send(message);
            }

            @Override
            public void onClose(Connection<byte[]> connection, CloseReason reason) {
                events.onClose(connection.remoteAddress(), timedOut(reason));
            }
        }).build();
        return server.bind(new InetSocketAddress(LOOPBACK, 0));
    }

    @Override
    public Client connect(InetSocketAddress address, Heartbeat heartbeat, EchoListener listener) throws IOException {
        synchronized (this) {
            if (clients == null) {
                clientHeartbeat = heartbeat;
                ConnectionManager.Builder<byte[]> b = builder(heartbeat);
                if (heartbeat != null) {
                    // Vigil shows its user no PING or PONG: a read is the nearest it tells (see onHeartbeat).
                    b.metrics(new MetricsObserver() {
                        @Override
                        public void received(Connection<?> connection, int frames, int bytes) {
                            if (frames > 0 && connection.attachment() instanceof VigilClient client) {
                                client.listener.onHeartbeat(client);
                            }
                        }
                    });
                }
                clients = b.listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<byte[]> connection, byte[] message) {
                        VigilClient client = (VigilClient) connection.attachment();
                        client.listener.onEcho(client, message.length);
                    }

                    @Override
                    public void onClose(Connection<byte[]> connection, CloseReason reason) {
                        if (connection.attachment() instanceof VigilClient client) {
                            client.listener.onClose(client, timedOut(reason));
                        }
                    }
                }).build();
            } else if (!Objects.equals(clientHeartbeat, heartbeat)) {
                throw new IllegalArgumentException("one heartbeat per transport: " + clientHeartbeat + ", "
                        + heartbeat);
            }
        }
        Connection<byte[]> connection = clients.connect(address);
        VigilClient client = new VigilClient(connection, listener);
        // No message can arrive before the first send, so the attachment is in place for every onMessage.
        connection.attach(client);
        return client;
    }

    @Override
    public void close() {
        try {
            for (ConnectionManager<byte[]> m : Arrays.asList(clients, server)) {
                if (m != null) {
                    m.shutdown(GRACE);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record VigilClient(Connection<byte[]> connection, EchoListener listener) implements Client {
        @Override
        public void send(byte[] payload) {
            connection.send(payload);
        }

        @Override
        public void flush() {
            // Vigil writes on its own; nothing to flush.
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
