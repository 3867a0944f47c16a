package dev.vigil.attack;

import dev.vigil.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #11, holes 3 and 7, against an {@link AttackServer} in a JVM of its own: a small heap that an attack must
 * not exhaust, and a log whose lines an attack must not multiply.
 */
class SeparateJvmAttackTest {

    @Test
    @Timeout(120)
    void aHundredPeersDeclaringAMebibyteAndDrippingCostNoOutOfMemoryUnderA64MebibyteHeap() throws Exception {
        try (ServerJvm server = ServerJvm.start("-Xmx64m", "binary", 5_000, 15_000)) {
            List<DripPeer> drippers = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    drippers.add(DripPeer.declareAndDrip(server.address, "declare-" + i, 1 << 20,
                            Duration.ofMillis(100)));
                }
                try (HonestClient honest = new HonestClient(server.address, MessageCodec.utf8())) {
                    Duration worst = honest.worstRoundTrip(50, Duration.ofMillis(50));
                    assertTrue(worst.compareTo(Duration.ofSeconds(1)) < 0, "worst honest round trip " + worst);
                }
            } finally {
                for (DripPeer d : drippers) {
                    d.close();
                }
            }
            String log = server.log();
            assertTrue(!log.contains("OutOfMemoryError"), "no OutOfMemoryError:\n" + head(log));
        }
    }

    @Test
    @Timeout(120)
    void threeHundredConnectionsSendingGarbageMakeABoundedNumberOfLogLines() throws Exception {
        try (ServerJvm server = ServerJvm.start("-Xmx256m", "binary", 5_000, 15_000)) {
            for (int i = 0; i < 300; i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address.getPort())) {
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.setSoTimeout(10_000);
                    while (s.getInputStream().read() >= 0) {
                        // until the server closes it: refused at the first wrong byte
                    }
                }
            }
            try (HonestClient honest = new HonestClient(server.address, MessageCodec.utf8())) {
                honest.worstRoundTrip(1, Duration.ZERO); // the server's log has caught up with the flood
            }
            long lines = server.log().lines().count();
            assertTrue(lines <= 10, lines + " log lines for 300 bad connections:\n" + head(server.log()));
        }
    }

    private static String head(String log) {
        return log.lines().limit(20).reduce("", (a, b) -> a + b + "\n");
    }

    /** The server JVM: started with a heap option, its standard error captured as its log. */
    private static final class ServerJvm implements AutoCloseable {
        final Process process;
        final Path log;
        final InetSocketAddress address;

        private ServerJvm(Process process, Path log, InetSocketAddress address) {
            this.process = process;
            this.log = log;
            this.address = address;
        }

        static ServerJvm start(String heap, String framing, long intervalMs, long timeoutMs) throws IOException {
            Path log = Files.createTempFile("vigil-attack", ".log");
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            Process p = new ProcessBuilder(java, heap, "-Xshare:off", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), AttackServer.class.getName(), framing,
                    Long.toString(intervalMs), Long.toString(timeoutMs))
                    .redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (first == null || !first.startsWith("port=")) {
                p.destroyForcibly();
                throw new IOException("server did not start: " + first + "\n" + Files.readString(log));
            }
            return new ServerJvm(p, log, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(first.substring(5))));
        }

        String log() throws IOException {
            return Files.readString(log);
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                assertEquals(0, process.waitFor(), "the server exited cleanly");
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                Files.deleteIfExists(log);
            }
        }
    }
}
