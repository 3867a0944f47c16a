package dev.vigil;

import dev.vigil.RecordingListener.Attempt;
import dev.vigil.RecordingListener.AttemptFailed;
import dev.vigil.internal.DefaultReconnectingClient;
import dev.vigil.internal.FakeTicker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reconnecting client that cannot reach its server hands held messages back when they outgrow the replay age, on
 * its own ticker (a fake one here), without waiting for its next attempt.
 */
@Timeout(30)
class SessionReplayAgeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void heldMessagesAreHandedBackWhenTheyOutgrowTheReplayAgeBetweenAttempts() throws Exception {
        FakeTicker clock = new FakeTicker();
        try (Socket holder = new Socket()) {
            // A loopback port that refuses every connection: bound, never listening.
            holder.setReuseAddress(false);
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress dead = new InetSocketAddress(InetAddress.getLoopbackAddress(), holder.getLocalPort());
            RecordingListener<String> events = new RecordingListener<>();
            ReconnectPolicy minutes = ReconnectPolicy.builder().initialDelay(Duration.ofMinutes(10))
                    .maxDelay(Duration.ofMinutes(10)).build();
            ConnectionManager.Builder<String> builder = ConnectionManager.builder(MessageCodec.utf8())
                    .sessions(SessionPolicy.builder().replayAge(Duration.ofSeconds(30)).build());
            try (ReconnectingClient<String> client = DefaultReconnectingClient.start(builder, minutes, events,
                    List.of(dead), RedirectPolicy.knownEndpoints(), ReconnectPolicyTest.HIGHEST, clock)) {
                assertEquals(new Attempt(1, dead), events.next(Attempt.class));
                events.next(AttemptFailed.class); // the next attempt is 10 minutes away

                Delivery first = client.sendConfirmed("first");
                clock.advance(Duration.ofSeconds(10));
                Delivery second = client.sendConfirmed("second");
                clock.advance(Duration.ofSeconds(20));
                assertThrows(TimeoutException.class, () -> first.delivered().get(200, TimeUnit.MILLISECONDS),
                        "30 s is not longer than the replay age");

                clock.advance(Duration.ofMillis(1));
                for (Delivery d : List.of(first, second)) {
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> d.delivered().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                    assertTrue(e.getCause() instanceof IOException, e.toString());
                    assertTrue(e.getCause().getMessage().contains("waited 30001ms unacknowledged while disconnected"),
                            e.getCause().getMessage());
                    assertThrows(ExecutionException.class, () -> d.written().get(WAIT.toMillis(),
                            TimeUnit.MILLISECONDS), "never written");
                }

                Delivery later = client.sendConfirmed("later");
                assertFalse(later.delivered().isDone(), "a fresh session holds the sends made after the hand-back");
                events.assertNothingWithin(Duration.ofMillis(50)); // no attempt was brought forward
            }
        }
    }
}
