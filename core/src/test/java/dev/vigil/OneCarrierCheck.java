package dev.vigil;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in its own JVM by {@link OneCarrierTest}, with the virtual-thread scheduler limited to one carrier: opens many
 * idle connections (both ends in this JVM) and checks that their heartbeats keep them alive. Prints one line starting
 * with {@code OK} or {@code FAIL}.
 */
public final class OneCarrierCheck {
    private OneCarrierCheck() {
    }

    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(args[0]);
        Duration observe = Duration.ofSeconds(Long.parseLong(args[1]));
        HeartbeatPolicy policy = HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofMillis(2500));
        AtomicInteger timeouts = new AtomicInteger();
        ConnectionListener<byte[]> countTimeouts = new ConnectionListener<>() {
            @Override
            public void onClose(Connection<byte[]> connection, CloseReason reason) {
                if (reason.kind() == CloseReason.Kind.HEARTBEAT_TIMEOUT) {
                    timeouts.incrementAndGet();
                }
            }
        };
        try (ConnectionManager<byte[]> server = ConnectionManager.builder(MessageCodec.bytes())
                .heartbeat(policy).listener(countTimeouts).shutdownGrace(Duration.ZERO).build();
             ConnectionManager<byte[]> client = ConnectionManager.builder(MessageCodec.bytes())
                     .heartbeat(policy).listener(countTimeouts).shutdownGrace(Duration.ZERO).build()) {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Connection<byte[]>>> opening = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    opening.add(executor.submit(() -> client.connect(address)));
                }
                for (Future<Connection<byte[]>> f : opening) {
                    f.get();
                }
            }
            long carriers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("ForkJoinPool-1-worker")).count();
            Thread.sleep(observe.toMillis()); // the observation window itself: idle time is what is under test
            long samples = 0;
            for (Connection<byte[]> c : client.connections()) {
                samples += c.rtt().samples();
            }
            for (Connection<byte[]> c : server.connections()) {
                samples += c.rtt().samples();
            }
            int open = client.connections().size();
            long expected = (long) connections * (observe.toSeconds() - 2);
            String line = "connections=" + connections + " open=" + open + " timeouts=" + timeouts.get()
                    + " rttSamples=" + samples + " expectedAtLeast=" + expected + " carriers=" + carriers;
            boolean ok = open == connections && timeouts.get() == 0 && samples >= expected;
            System.out.println((ok ? "OK " : "FAIL ") + line);
        }
    }
}
