package dev.vigil.attack;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An echo server for attacks that need a JVM of their own (a small heap, a log to count): run by
 * {@link SeparateJvmAttackTest}, it prints {@code port=N} and serves until its standard input closes.
 *
 * <p>Arguments: {@code binary|lines intervalMs timeoutMs}.
 */
public final class AttackServer {
    private AttackServer() {
    }

    /**
     * Runs the server.
     *
     * @param args framing, heartbeat interval and timeout in milliseconds
     */
    public static void main(String[] args) throws Exception {
        MessageCodec<String> codec = args[0].equals("lines") ? MessageCodec.lines() : MessageCodec.utf8();
        HeartbeatPolicy heartbeat = HeartbeatPolicy.fixed(Duration.ofMillis(Long.parseLong(args[1])),
                Duration.ofMillis(Long.parseLong(args[2])));
        try (ConnectionManager<String> server = ConnectionManager.builder(codec)
                .heartbeat(heartbeat)
                .handshakeTimeout(Duration.ofSeconds(2))
                .shutdownGrace(Duration.ZERO)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String message) {
                        c.send(message);
                    }
                }).build()) {
            InetSocketAddress address = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            System.out.println("port=" + address.getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // serve until the test closes our standard input
            }
        }
    }
}
