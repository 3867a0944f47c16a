package dev.vigil;

import dev.vigil.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that runs out of file descriptors pauses its accept loop instead of spinning, and serves again once
 * descriptors are free. The limit must be set before a JVM starts, so the server runs in a JVM of its own under
 * {@code ulimit -n}.
 */
class FdExhaustionTest {

    @Test
    @Timeout(120)
    void theAcceptLoopSurvivesRunningOutOfFileDescriptorsWithoutSpinning() throws Exception {
        Path log = Files.createTempFile("vigil-fd", ".log");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String command = "ulimit -n 128 && exec '" + java + "' -Xshare:off -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
                + " -cp '" + System.getProperty("java.class.path") + "' fdcheck.FdExhaustionServer";
        Process server = new ProcessBuilder("bash", "-c", command)
                .redirectError(log.toFile()).start();
        List<Socket> flood = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("port="), "server started: " + first + "\n"
                    + Files.readString(log));
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(first.substring(5)));

            // More connections than the server has descriptors: its accept fails with "Too many open files".
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket();
                s.connect(address, 5000);
                flood.add(s);
            }
            Await.until(Duration.ofSeconds(20), () -> logged(log, "failed"), () -> "the server ran out of descriptors");
            for (Socket s : flood) {
                s.close();
            }
            // Each flood connection is dropped at the handshake timeout; then a real client is served again.
            try (ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                    .connectTimeout(Duration.ofSeconds(30)).build()) {
                Connection<byte[]> c = client.connect(address);
                assertTrue(c.state().isOpen(), "served again after the descriptors came back");
            }
            long pauses = Files.readAllLines(log).stream().filter(l -> l.contains("pausing")).count();
            assertTrue(pauses >= 1 && pauses < 60, "paused and resumed rather than spinning: " + pauses
                    + " pauses logged");
        } finally {
            for (Socket s : flood) {
                s.close();
            }
            server.getOutputStream().close();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            Files.deleteIfExists(log);
        }
    }

    private static boolean logged(Path log, String what) {
        try {
            return Files.readString(log).contains(what);
        } catch (IOException e) {
            return false;
        }
    }
}
