package fdcheck;

import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Run by {@code dev.vigil.FdExhaustionTest} in a JVM with a small open-file limit: a Vigil server that prints its
 * port and runs until its standard input closes.
 */
public final class FdExhaustionServer {
    private FdExhaustionServer() {
    }

    public static void main(String[] args) throws Exception {
        try (ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(HeartbeatPolicy.none())
                .handshakeTimeout(Duration.ofMillis(300))
                .shutdownGrace(Duration.ZERO)
                .build()) {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
            System.out.println("port=" + address.getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // run until the test closes our standard input
            }
        }
    }
}
