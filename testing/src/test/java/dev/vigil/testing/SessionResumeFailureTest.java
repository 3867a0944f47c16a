package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.Delivery;
import dev.vigil.MessageCodec;
import dev.vigil.ReconnectListener;
import dev.vigil.ReconnectPolicy;
import dev.vigil.ReconnectingClient;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionListener;
import dev.vigil.SessionLostException;
import dev.vigil.SessionPolicy;
import dev.vigil.testing.FaultProxy.Direction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Resumes that fail, through real sockets: each with its reason, and every undelivered message handed back. */
final class SessionResumeFailureTest {

    record Failed(ResumeFailure reason, List<String> undelivered) {
    }

    /** Records the client's session events. */
    static final class Recorder implements ReconnectListener<String>, SessionListener<String> {
        final LinkedBlockingQueue<UUID> started = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Failed> failed = new LinkedBlockingQueue<>();

        @Override
        public void onSessionStarted(Connection<String> connection, UUID session) {
            started.add(session);
        }

        @Override
        public void onResumeFailed(Connection<String> connection, UUID session, ResumeFailure reason,
                                   List<String> undelivered) {
            failed.add(new Failed(reason, undelivered));
        }
    }

    @Test
    @Timeout(30)
    void overflowWhileDisconnectedFailsTheResumeWithThatReasonAndHandsEveryHeldMessageBack() throws Exception {
        SessionPolicy policy = SessionPolicy.builder().replayMessages(5).ackEvery(1).build();
        ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8()).sessions(policy).build();
        Recorder recorder = new Recorder();
        try (FaultProxy proxy = FaultProxy.start(server.bind(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))) {
            // An attempt made while the proxy still swallows everything must fail soon, not at the default 10 s.
            ReconnectingClient<String> client = ReconnectingClient.start(
                    ConnectionManager.builder(MessageCodec.utf8()).sessions(policy)
                            .connectTimeout(Duration.ofMillis(500)),
                    ReconnectPolicy.builder().initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20))
                            .build(), recorder, List.of(proxy.address()));
            try {
                assertTrue(recorder.started.poll(10, TimeUnit.SECONDS) != null);
                Connection<String> first = awaitCurrent(client); // adopted just after onSessionStarted
                proxy.cutAfter(Direction.BOTH, 0); // every new link dies at its first byte: the client stays away
                proxy.resetAll();
                awaitDown(client, first);
                List<Delivery> held = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    held.add(client.sendConfirmed("m" + i));
                }
                Delivery overflow = client.sendConfirmed("m5");
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> overflow.delivered().get(5, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("did not fit while disconnected"), e.getCause().getMessage());
                proxy.clearToxics();
                Failed f = recorder.failed.poll(10, TimeUnit.SECONDS);
                assertEquals(ResumeFailure.REPLAY_OVERFLOW, f.reason());
                assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), f.undelivered());
                for (Delivery d : held) {
                    ExecutionException lost = assertThrows(ExecutionException.class,
                            () -> d.delivered().get(5, TimeUnit.SECONDS));
                    assertInstanceOf(SessionLostException.class, lost.getCause());
                }
                assertTrue(recorder.started.poll(10, TimeUnit.SECONDS) != null, "a new session follows");
            } finally {
                client.close();
            }
        } finally {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    @Timeout(30)
    void aRestartedServerRefusesTheResumeAsEpochChangedAndEveryUnconfirmedMessageIsHandedBack() throws Exception {
        SessionPolicy policy = SessionPolicy.defaults();
        ConnectionManager<String> first = ConnectionManager.builder(MessageCodec.utf8()).sessions(policy).build();
        InetSocketAddress at = first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Recorder recorder = new Recorder();
        ConnectionManager<String> second = null;
        try (FaultProxy proxy = FaultProxy.start(at)) {
            // An attempt made while the proxy still swallows everything must fail soon, not at the default 10 s.
            ReconnectingClient<String> client = ReconnectingClient.start(
                    ConnectionManager.builder(MessageCodec.utf8()).sessions(policy)
                            .connectTimeout(Duration.ofMillis(500)),
                    ReconnectPolicy.builder().initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(20))
                            .build(), recorder, List.of(proxy.address()));
            try {
                assertTrue(recorder.started.poll(10, TimeUnit.SECONDS) != null);
                Connection<String> before = awaitCurrent(client);
                // The server dies without a word reaching the client: its CLOSE frames go into a blackhole.
                proxy.blackhole(Direction.BOTH);
                first.shutdown(Duration.ZERO);
                proxy.resetAll();
                awaitDown(client, before);
                client.send("while the server was down");
                second = ConnectionManager.builder(MessageCodec.utf8()).sessions(policy).build();
                second.bind(at); // the restarted server: same address, new epoch
                proxy.clearToxics();
                Failed f = recorder.failed.poll(10, TimeUnit.SECONDS);
                assertEquals(ResumeFailure.EPOCH_CHANGED, f.reason());
                assertEquals(List.of("while the server was down"), f.undelivered());
            } finally {
                client.close();
            }
        } finally {
            first.shutdown(Duration.ofSeconds(1));
            if (second != null) {
                second.shutdown(Duration.ofSeconds(2));
            }
        }
    }

    private static Connection<String> awaitCurrent(ReconnectingClient<String> client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Connection<String> current;
        while ((current = client.current()) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the client has no connection");
            }
            Thread.sleep(1);
        }
        return current;
    }

    private static void awaitDown(ReconnectingClient<String> client, Connection<String> was)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.current() == was && was != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the connection did not end");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
