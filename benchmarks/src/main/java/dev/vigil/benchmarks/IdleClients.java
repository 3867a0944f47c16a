package dev.vigil.benchmarks;

import dev.vigil.benchmarks.transport.EchoTransport;
import dev.vigil.benchmarks.transport.EchoTransport.Client;
import dev.vigil.benchmarks.transport.EchoTransport.EchoListener;
import dev.vigil.benchmarks.transport.EchoTransport.Heartbeat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client side of the idle-scale benchmark, in a JVM of its own (a process may open only 20,000 files, and
 * 9,000 connections with both ends in one JVM take 18,000): opens {@code count} idle connections with a heartbeat,
 * prints {@code READY count}, and holds them until its standard input closes.
 *
 * <p>Usage: {@code java -cp <benchmarks class path> dev.vigil.benchmarks.IdleClients impl host port count
 * intervalMillis timeoutMillis}
 */
public final class IdleClients {
    private static final int CONNECTORS = 4;

    private IdleClients() {
    }

    /**
     * Runs the clients.
     *
     * @param args impl, host, port, count, interval and timeout in milliseconds
     * @throws Exception if the connections cannot be opened
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: IdleClients impl host port count intervalMillis timeoutMillis");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        int count = Integer.parseInt(args[3]);
        Heartbeat heartbeat = new Heartbeat(Duration.ofMillis(Long.parseLong(args[4])),
                Duration.ofMillis(Long.parseLong(args[5])));
        AtomicBoolean closing = new AtomicBoolean();
        EchoListener listener = new EchoListener() {
            @Override
            public void onEcho(Client client, int payloadLength) {
            }

            @Override
            public void onClose(Client client, boolean heartbeatTimeout) {
                if (!closing.get()) {
                    System.err.println("IdleClients: a connection closed"
                            + (heartbeatTimeout ? " (heartbeat timeout)" : ""));
                }
            }
        };
        try (EchoTransport transport = EchoTransport.of(args[0])) {
            ExecutorService connectors = Executors.newFixedThreadPool(CONNECTORS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < CONNECTORS; t++) {
                    int share = count / CONNECTORS + (t < count % CONNECTORS ? 1 : 0);
                    done.add(connectors.submit(() -> {
                        for (int i = 0; i < share; i++) {
                            transport.connect(server, heartbeat, listener);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                connectors.shutdownNow();
            }
            System.out.println("READY " + count);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the connections until the parent closes our standard input (or dies)
            }
            closing.set(true);
        }
        System.exit(0);
    }

    /** The parent's handle on an {@link IdleClients} process. */
    static final class Child implements AutoCloseable {
        private final Process process;

        private Child(Process process) {
            this.process = process;
        }

        /**
         * Starts the clients and waits until every connection is open.
         *
         * @return the running process
         * @throws IOException if it cannot start, fails, or is not ready within the timeout
         */
        static Child start(String impl, InetSocketAddress server, int count, Heartbeat heartbeat, Duration timeout)
                throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElse(System.getProperty("java.home") + "/bin/java");
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx2g", "-Dio.netty.leakDetection.level=disabled",
                    "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(), impl,
                    server.getHostString(), Integer.toString(server.getPort()), Integer.toString(count),
                    Long.toString(heartbeat.interval().toMillis()), Long.toString(heartbeat.timeout().toMillis()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            Child p = new Child(pb.start());
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                try {
                    BufferedReader out = new BufferedReader(
                            new InputStreamReader(p.process.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("READY")) {
                            return line;
                        }
                    }
                    return "exited with " + p.process.waitFor();
                } catch (IOException | InterruptedException e) {
                    return e.toString();
                }
            }, r -> Thread.ofPlatform().daemon(true).name("bench-idle-clients-out").start(r));
            try {
                String line = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!line.equals("READY " + count)) {
                    throw new IOException("IdleClients: " + line);
                }
                return p;
            } catch (Exception e) {
                p.close();
                throw e instanceof IOException io ? io : new IOException("IdleClients not ready in " + timeout, e);
            }
        }

        /** {@return the process, for its CPU time} */
        ProcessHandle handle() {
            return process.toHandle();
        }

        /** Closes the clients' standard input, waits for them to close their connections and exit. */
        @Override
        public void close() {
            try (OutputStream in = process.getOutputStream()) {
                in.flush();
            } catch (IOException ignored) {
                // it is gone already
            }
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
