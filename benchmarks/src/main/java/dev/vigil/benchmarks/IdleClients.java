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
 * 9,000 connections with both ends in one JVM take 18,000; 19,000 take two client JVMs). It reads commands from its
 * standard input, one a line, and answers each with one line:
 * <ul>
 *   <li>{@code CONNECT n} opens {@code n} more idle connections with a heartbeat and answers {@code CONNECTED total};
 *   <li>{@code RESET} forgets the heartbeat lateness seen so far and answers {@code RESET};
 *   <li>{@code LATENESS} answers {@code LATENESS} and the {@link Lateness} histogram since the last reset (as
 *       {@link Lateness#encode()} writes it): for every heartbeat frame that arrived, how much longer than the
 *       interval its connection had been silent.
 * </ul>
 * The end of its input closes every connection and exits. The parent paces the connections this way, so that the
 * server's accept queue never overflows (an overflowing queue leaves clients believing they are connected while the
 * server has not accepted them, and their heartbeats time out).
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
        long intervalNanos = heartbeat.interval().toNanos();
        AtomicBoolean closing = new AtomicBoolean();
        AtomicInteger lost = new AtomicInteger();
        Lateness lateness = new Lateness();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int total = 0;
        ExecutorService connectors = Executors.newFixedThreadPool(CONNECTORS);
        try (EchoTransport transport = EchoTransport.of(args[0])) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("RESET")) {
                    lateness.reset();
                    out.println("RESET");
                    continue;
                }
                if (line.equals("LATENESS")) {
                    out.println("LATENESS " + lateness.encode());
                    continue;
                }
                if (!line.startsWith("CONNECT ")) {
                    throw new IllegalArgumentException("IdleClients: unknown command " + line);
                }
                int count = Integer.parseInt(line.substring("CONNECT ".length()).trim());
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < CONNECTORS; t++) {
                    int share = count / CONNECTORS + (t < count % CONNECTORS ? 1 : 0);
                    done.add(connectors.submit(() -> {
                        for (int i = 0; i < share; i++) {
                            transport.connect(server, heartbeat, new Idle(intervalNanos, lateness, closing, lost));
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

    /**
     * One idle connection's listener: times the silence before each heartbeat frame. Called on the connection's
     * I/O thread only, one call at a time, so its field needs no lock.
     */
    private static final class Idle implements EchoListener {
        private final long intervalNanos;
        private final Lateness lateness;
        private final AtomicBoolean closing;
        private final AtomicInteger lost;
        private long lastHeard = System.nanoTime();

        Idle(long intervalNanos, Lateness lateness, AtomicBoolean closing, AtomicInteger lost) {
            this.intervalNanos = intervalNanos;
            this.lateness = lateness;
            this.closing = closing;
            this.lost = lost;
        }

        @Override
        public void onEcho(Client client, int payloadLength) {
        }

        @Override
        public void onHeartbeat(Client client) {
            long now = System.nanoTime();
            lateness.record(now - lastHeard - intervalNanos);
            lastHeard = now;
        }

        @Override
        public void onClose(Client client, boolean heartbeatTimeout) {
            if (!closing.get() && lost.incrementAndGet() == 1) {
                System.err.println("IdleClients: a connection closed early"
                        + (heartbeatTimeout ? " (heartbeat timeout)" : ""));
            }
        }
    }

    /**
     * The parent's handle on the client processes: as many as it takes to hold the connections at no more than
     * {@code perProcess} each, filled one after the other.
     */
    static final class Fleet implements AutoCloseable {
        private final List<Child> children = new ArrayList<>();
        private final int perProcess;

        private Fleet(int perProcess) {
            this.perProcess = perProcess;
        }

        /**
         * Starts the client processes, with no connection yet.
         *
         * @param impl        the implementation
         * @param server      the server's address
         * @param heartbeat   the clients' heartbeat
         * @param connections how many connections the fleet will hold
         * @param perProcess  the most connections one process holds
         * @return the running fleet
         * @throws IOException if a process cannot start
         */
        static Fleet start(String impl, InetSocketAddress server, Heartbeat heartbeat, int connections,
                           int perProcess) throws IOException {
            if (perProcess < 1) {
                throw new IllegalArgumentException("perProcess: " + perProcess + " (expected: at least 1)");
            }
            Fleet fleet = new Fleet(perProcess);
            try {
                for (int i = 0; i < Math.max(1, (connections + perProcess - 1) / perProcess); i++) {
                    fleet.children.add(Child.start(impl, server, heartbeat));
                }
            } catch (IOException | RuntimeException e) {
                fleet.close();
                throw e;
            }
            return fleet;
        }

        /** {@return how many client processes there are} */
        int processes() {
            return children.size();
        }

        /**
         * Opens more connections, in the first processes that have room, and waits until they say they are open.
         *
         * @param count   how many more
         * @param timeout how long to wait for each process's answer
         * @return the connections open, in all
         * @throws IOException if a process failed, did not answer within the timeout, or there is no room left
         */
        int connect(int count, Duration timeout) throws IOException {
            int left = count;
            int total = 0;
            for (Child c : children) {
                int n = Math.min(left, perProcess - c.connections);
                if (n > 0) {
                    c.connect(n, timeout);
                    left -= n;
                }
                total += c.connections;
            }
            if (left > 0) {
                throw new IOException("IdleClients: no room for " + left + " more connections in "
                        + children.size() + " processes of " + perProcess);
            }
            return total;
        }

        /**
         * Forgets the heartbeat lateness every process saw so far.
         *
         * @throws IOException if a process failed or did not answer
         */
        void resetLateness() throws IOException {
            for (Child c : children) {
                c.ask("RESET", "RESET", EchoTransport.WAIT);
            }
        }

        /**
         * {@return the heartbeat lateness the processes saw since the last reset, merged ({@link Lateness} counts)}
         *
         * @throws IOException if a process failed or did not answer
         */
        long[] lateness() throws IOException {
            long[] sum = new long[Lateness.MAX_MILLIS + 1];
            for (Child c : children) {
                Lateness.add(sum, Lateness.decode(c.ask("LATENESS", "LATENESS", EchoTransport.WAIT)));
            }
            return sum;
        }

        /** {@return CPU time the client processes used so far, in nanoseconds (see Jvm#processCpuNanos)} */
        long cpuNanos() {
            long sum = 0;
            for (Child c : children) {
                sum += Jvm.processCpuNanos(c.process.toHandle());
            }
            return sum;
        }

        /** Closes every process's standard input, waits for them to close their connections and exit. */
        @Override
        public void close() {
            for (Child c : children) {
                c.closeInput();
            }
            for (Child c : children) {
                c.await();
            }
        }
    }

    /** The parent's handle on one {@link IdleClients} process. */
    private static final class Child {
        private final Process process;
        private final PrintStream commands;
        private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        private int connections;

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

        void connect(int count, Duration timeout) throws IOException {
            String reply = ask("CONNECT " + count, "CONNECTED", timeout);
            connections = Integer.parseInt(reply.trim());
        }

        /** Sends a command and returns what follows {@code word}, the answer's first word. */
        String ask(String command, String word, Duration timeout) throws IOException {
            commands.println(command);
            String reply;
            try {
                reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (reply == null || !(reply.equals(word) || reply.startsWith(word + " "))) {
                throw new IOException("IdleClients: " + (reply == null ? "no answer to " + command + " within "
                        + timeout : reply.equals("EOF") ? "exited" : reply));
            }
            return reply.substring(word.length());
        }

        void closeInput() {
            try (OutputStream in = process.getOutputStream()) {
                in.flush();
            } catch (IOException ignored) {
                // it is gone already
            }
        }

        void await() {
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
