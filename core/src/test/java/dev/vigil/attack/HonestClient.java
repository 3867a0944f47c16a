package dev.vigil.attack;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.MessageCodec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved Vigil client of the server under attack: sends one message at a time and measures how long its
 * echo takes. Attack tests use it to show the server keeps serving.
 */
final class HonestClient implements AutoCloseable {
    private final ConnectionManager<String> manager;
    private final Connection<String> connection;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    HonestClient(InetSocketAddress server, MessageCodec<String> codec) throws IOException {
        manager = ConnectionManager.builder(codec)
                .heartbeat(EchoServer.FAST)
                .shutdownGrace(Duration.ZERO)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String message) {
                        replies.add(message);
                    }
                }).build();
        connection = manager.connect(server);
    }

    /**
     * Sends {@code count} messages, one at a time, {@code every} apart, and {@return the longest round trip}
     *
     * @throws AssertionError if an echo does not come back within 10 s or comes back wrong
     */
    Duration worstRoundTrip(int count, Duration every) throws InterruptedException {
        long worst = 0;
        for (int i = 0; i < count; i++) {
            String sent = "honest " + i;
            long start = System.nanoTime();
            connection.send(sent);
            String reply = replies.poll(10, TimeUnit.SECONDS);
            long took = System.nanoTime() - start;
            if (!sent.equals(reply)) {
                throw new AssertionError("echo " + i + ": got " + reply + " after " + Duration.ofNanos(took)
                        + "; connection " + connection.state() + " " + connection.closeReason());
            }
            worst = Math.max(worst, took);
            Thread.sleep(every); // the client's own pace
        }
        return Duration.ofNanos(worst);
    }

    /** Sends a message without waiting for anything. */
    void send(String message) {
        connection.send(message);
    }

    /**
     * Waits for the next message received.
     *
     * @throws AssertionError unless it is {@code expected} and arrives within 10 s
     */
    void expect(String expected) throws InterruptedException {
        String got = replies.poll(10, TimeUnit.SECONDS);
        if (!expected.equals(got)) {
            throw new AssertionError("expected '" + shorten(expected) + "', got '" + shorten(got) + "'; connection "
                    + connection.state() + " " + connection.closeReason());
        }
    }

    private static String shorten(String s) {
        return s == null || s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    @Override
    public void close() {
        manager.close();
    }
}
