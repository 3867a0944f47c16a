package dev.vigil.examples.chat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chat cluster}, headless: two node JVMs on an embedded Redis, people on {@code nc}-like sockets on different
 * nodes share a room and presence; a crashed node's people leave the others within its TTL.
 */
class ChatClusterTest {
    private static final Duration TTL = Duration.ofSeconds(1);
    private static final Duration LINGER = Duration.ofMillis(500);

    /** A person on nc. */
    private static final class Nc implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Nc(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void type(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** {@return the first line that contains the text; fails after 20 s of nothing} */
        String await(String text) throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.contains(text)) {
                    return line;
                }
            }
            throw new IOException("closed before a line with '" + text + "'");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    @Timeout(120)
    void peopleOnTwoNodesShareARoomAndPresenceAndACrashedNodesPeopleLeave() throws Exception {
        PrintStream out = System.out;
        ChatCluster.Config config = new ChatCluster.Config(2, 0, null, TTL, LINGER, Duration.ofSeconds(30),
                Duration.ofSeconds(90), -1, Duration.ofSeconds(1));
        try (ChatCluster cluster = ChatCluster.start(config, out)) {
            ChatCluster.Node one = cluster.nodes().get(0);
            ChatCluster.Node two = cluster.nodes().get(1);
            try (Nc ann = new Nc(one.port()); Nc bob = new Nc(two.port()); Nc carl = new Nc(one.port())) {
                bob.await("welcome");
                bob.type("/name bob");
                bob.await("you are bob");
                ann.type("/name ann");
                assertTrue(bob.await("ann is online").contains("node-1"));
                ann.type("hi bob");
                bob.await("[lobby] ann: hi bob");
                bob.type("/who");
                String who = bob.await("* online:");
                assertTrue(who.contains("ann (on node-1)") && who.contains("bob (on node-2)"), who);

                carl.type("/name carl");
                bob.await("carl is online");
                carl.socket.setSoLinger(true, 0);
                carl.socket.close(); // a reset: carl's will is said to the room after the linger
                bob.await("* carl lost the connection");

                long crashed = System.nanoTime();
                cluster.crash(one);
                bob.await("* ann left");
                long millis = (System.nanoTime() - crashed) / 1_000_000;
                out.printf("node-1 crashed (SIGKILL): bob on node-2 was told 'ann left' %d ms later (TTL %d ms, "
                        + "refresh %d ms, linger %d ms)%n", millis, TTL.toMillis(), TTL.toMillis() / 3,
                        LINGER.toMillis());
                assertTrue(millis < TTL.plus(TTL.dividedBy(3)).plus(LINGER).plus(Duration.ofSeconds(3)).toMillis(),
                        millis + " ms");
            }
        }
    }
}
