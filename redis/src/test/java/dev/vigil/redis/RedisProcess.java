package dev.vigil.redis;

import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real redis-server process on a free loopback port, for tests: {@code redis-server} from the PATH if there is
 * one, else the binary that embedded-redis ships in its jar. No persistence, so a restart loses every key, as a
 * crash of a cache-only Redis would.
 */
final class RedisProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path binary;
    private final int port;
    private Process process;

    private RedisProcess(Path binary, int port, Process process) {
        this.binary = binary;
        this.port = port;
        this.process = process;
    }

    /** Starts a Redis on a free port (trying another if the port is taken between the check and the bind). */
    static RedisProcess start() throws IOException {
        Path binary = binary();
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            try {
                return new RedisProcess(binary, port, launch(binary, port));
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Stops Redis as an operator would (SIGTERM); it closes every client connection. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Starts Redis again on the same port, empty. */
    void startAgain() throws IOException {
        process = launch(binary, port);
    }

    /** Sends one command and returns Redis's reply line (for example {@code :2} or {@code +OK}). */
    String command(String... args) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg)
                        .append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\r') {
                line.append((char) b);
            }
            return line.toString();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static Process launch(Path binary, int port) throws IOException {
        Process p = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--loglevel", "warning")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                throw new IOException("redis-server on port " + port + " exited with " + p.exitValue());
            }
            if (answersPing(port)) {
                return p;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        p.destroyForcibly();
        throw new IOException("redis-server on port " + port + " did not answer PING within " + START_TIMEOUT);
    }

    private static boolean answersPing(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(500);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[7];
            int n = s.getInputStream().readNBytes(reply, 0, 7);
            return n == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Path binary() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        File extracted = ExecutableProvider.newJarResourceProvider().get();
        if (!extracted.canExecute() && !extracted.setExecutable(true)) {
            throw new IOException("cannot make " + extracted + " executable");
        }
        return extracted.toPath();
    }

    @Override
    public String toString() {
        return "redis-server " + binary + " on 127.0.0.1:" + port;
    }
}
