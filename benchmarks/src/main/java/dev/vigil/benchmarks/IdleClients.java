package dev.vigil.benchmarks;

import dev.vigil.benchmarks.transport.EchoTransport;
import dev.vigil.benchmarks.transport.EchoTransport.Client;
import dev.vigil.benchmarks.transport.EchoTransport.EchoListener;
import dev.vigil.benchmarks.transport.EchoTransport.Heartbeat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of the idle-scale benchmark, in a JVM of its own (a process may open only 20,000 files, and
 * 9,000 connections with both ends in one JVM take 18,000). It reads commands from its standard input: {@code
 * CONNECT n} opens {@code n} more idle connections with a heartbeat and answers {@code CONNECTED total}; the end of
 * its input closes every connection and exits. The parent paces the connections this way, so that the server's
 * accept queue never overflows (an overflowing queue leaves clients believing they are connected while the server
 * has not accepted them, and their heartbeats time out).
 *
 * <p>Usage: {@code java -cp <benchmarks class path> dev.vigil.benchmarks.IdleClients impl host port
 * intervalMillis timeoutMillis}
 */
public final class IdleClients {
    private static final int CONNECTORS = 4;

    private IdleClients() {
    }

    /**
     * Runs the clients.
     *
     * @param args impl, host, port, interval and timeout in milliseconds
     * @throws Exception if the connections cannot be opened
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: IdleClients impl host port intervalMillis timeoutMillis");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        Heartbeat heartbeat = new Heartbeat(Duration.ofMillis(Long.parseLong(args[3])),
                Duration.ofMillis(Long.parseLong(args[4])));
        AtomicBoolean closing = new AtomicBoolean();
        AtomicInteger lost = new AtomicInteger();
        EchoListener listener = new EchoListener() {
            @Override
            public void onEcho(Client client, int payloadLength) {
            }

            @Override
            public void onClose(Client client, boolean heartbeatTimeout) {
                if (!closing.get() && lost.incrementAndGet() == 1) {
                    System.err.println("IdleClients: a connection closed early"
                            + (heartbeatTimeout ? " (heartbeat timeout)" : ""));
                }
            }
        };
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int total = 0;
        ExecutorService connectors = Executors.newFixedThreadPool(CONNECTORS);
        try (EchoTransport transport = EchoTransport.of(args[0])) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("CONNECT ")) {
                    throw new IllegalArgumentException("IdleClients: unknown command " + line);
                }
                int count = Integer.parseInt(line.substring("CONNECT ".length()).trim());
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
                    f.get(5, TimeUnit.MINUTES);
                }
                total += count;
                out.println("CONNECTED " + total);
            }
            // the parent closed our input (or died): close everything
            closing.set(true);
        } finally {
            connectors.shutdownNow();
        }
        if (lost.get() > 0) {
            System.err.println("IdleClients: " + lost.get() + " of " + total + " connections closed early");
        }
        System.exit(0);
    }

    /** The parent's handle on an {@link IdleClients} process. */
    static final class Child implements AutoCloseable {
        private final Process process;
        private final PrintStream commands;
        private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

        private Child(Process process) {
            this.process = process;
            this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon(true).name("bench-idle-clients-out").start(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        replies.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
                replies.add("EOF");
            });
        }

        /**
         * Starts the client process, with no connection yet.
         *
         * @return the running process
         * @throws IOException if it cannot start
         */
        static Child start(String impl, InetSocketAddress server, Heartbeat heartbeat) throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElse(System.getProperty("java.home") + "/bin/java");
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx2g", "-Dio.netty.leakDetection.level=disabled",
                    "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(), impl,
                    server.getHostString(), Integer.toString(server.getPort()),
                    Long.toString(heartbeat.interval().toMillis()), Long.toString(heartbeat.timeout().toMillis()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            return new Child(pb.start());
        }

        /**
         * Opens more connections and waits until the clients say they are open.
         *
         * @param count   how many more
         * @param timeout how long to wait
         * @return the clients' connections, in all
         * @throws IOException if the clients failed, or did not answer within the timeout
         */
        int connect(int count, Duration timeout) throws IOException {
            commands.println("CONNECT " + count);
            String reply;
            try {
                reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (reply == null || !reply.startsWith("CONNECTED ")) {
                throw new IOException("IdleClients: " + (reply == null ? "no answer within " + timeout
                        : reply.equals("EOF") ? "exited" : reply));
            }
            return Integer.parseInt(reply.substring("CONNECTED ".length()));
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
