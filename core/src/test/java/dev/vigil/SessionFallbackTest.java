package dev.vigil;

import dev.vigil.RecordingListener.Attempt;
import dev.vigil.RecordingListener.AttemptFailed;
import dev.vigil.RecordingListener.Connected;
import dev.vigil.internal.DefaultReconnectingClient;
import dev.vigil.internal.FakeTicker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reconnecting client with sessions whose server keeps none: what it held goes out as plain DATA, all of it. */
@Timeout(30)
class SessionFallbackTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void everyHeldMessageIsWrittenInOrderWhateverTheQueueBound() throws Exception {
        FakeTicker clock = new FakeTicker();
        Socket holder = new Socket();
        holder.setReuseAddress(false);
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), holder.getLocalPort());
        RecordingListener<String> events = new RecordingListener<>();
        // The next attempt a minute away: within the replay age of 2 minutes.
        ReconnectPolicy minutes = ReconnectPolicy.builder().initialDelay(Duration.ofMinutes(1))
                .maxDelay(Duration.ofMinutes(1)).build();
        ConnectionManager.Builder<String> builder = ConnectionManager.builder(MessageCodec.utf8())
                .sessions(SessionPolicy.defaults()).maxQueuedMessages(2);
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (ReconnectingClient<String> client = DefaultReconnectingClient.start(builder, minutes, events,
                List.of(address), RedirectPolicy.knownEndpoints(), ReconnectPolicyTest.HIGHEST, clock)) {
            assertEquals(new Attempt(1, address), events.next(Attempt.class));
            events.next(AttemptFailed.class);
            List<Delivery> held = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                held.add(client.sendConfirmed("m" + i)); // more than the queue's 2
            }
            holder.close();
            try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                    .listener(new ConnectionListener<>() {
                        @Override
                        public void onMessage(Connection<String> connection, String message) {
                            got.add(message);
                        }
                    }).build()) {
                server.bind(address);
                clock.advance(Duration.ofMinutes(1));
                events.await(Connected.class, WAIT);

                for (int i = 1; i <= 5; i++) {
                    assertEquals("m" + i, got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                }
                for (Delivery d : held) {
                    d.written().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    ExecutionException e = assertThrows(ExecutionException.class, () -> d.delivered().get());
                    assertTrue(e.getCause().getMessage().contains("does not keep sessions"), e.toString());
                }
            }
        } finally {
            holder.close();
        }
    }
}
