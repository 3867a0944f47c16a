package dev.vigil.internal;

import dev.vigil.HeartbeatPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heartbeat decision on virtual time, driven through the real timer's {@code runDue} exactly as its thread
 * drives it, but by the test's clock.
 */
class LivenessTest {
    private static final long MS = 1_000_000L;

    private final FakeTicker clock = new FakeTicker();
    private final HeartbeatTimer timer = new HeartbeatTimer(clock, "test-timer");

    /** A connection's heartbeat task in miniature: silence since {@code since}, actions recorded with their time. */
    private final class Peer implements HeartbeatTimer.Task {
        final Liveness liveness;
        final HeartbeatTimer.Entry entry = new HeartbeatTimer.Entry(this);
        final List<String> log = new ArrayList<>();
        long since;
        boolean suspect;
        boolean dead;

        Peer(HeartbeatPolicy policy) {
            liveness = new Liveness(Detector.of(policy));
            since = clock.nanoTime();
            timer.schedule(entry, clock.nanoTime());
        }

        void signOfLife() {
            if (liveness.adaptive()) {
                liveness.record(clock.nanoTime() - since);
            }
            since = clock.nanoTime();
            suspect = false;
        }

        @Override
        public long onTimer(long now, long pauseEnd) {
            int actions = liveness.evaluate(now, since, pauseEnd, suspect);
            long at = (now - start) / MS;
            if ((actions & Liveness.DEAD) != 0) {
                log.add("DEAD@" + at);
                dead = true;
                return HeartbeatTimer.STOP;
            }
            if ((actions & Liveness.SUSPECT) != 0) {
                log.add("SUSPECT@" + at);
                suspect = true;
            }
            if ((actions & Liveness.PING) != 0) {
                log.add("PING@" + at);
            }
            return liveness.next();
        }
    }

    private final long start = clock.nanoTime();

    /** Advances in 1 ms steps, running due tasks at each, as a perfectly punctual timer would. */
    private void runFor(long millis) {
        for (long i = 0; i < millis; i++) {
            clock.advanceMillis(1);
            timer.runDue(clock.nanoTime());
        }
    }

    @Test
    void fixedPolicyPingsAtTheIntervalSuspectsHalfwayAndDeclaresDeadExactlyAtTheTimeoutOnce() {
        Peer peer = new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        timer.runDue(clock.nanoTime());
        runFor(10_000);
        assertEquals(List.of("PING@1000", "SUSPECT@2000", "DEAD@3000"), peer.log);
        assertEquals(0, timer.size(), "a dead peer's task is not scheduled again");
    }

    @Test
    void inboundDataPostponesTheNextPing() {
        Peer peer = new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        timer.runDue(clock.nanoTime());
        for (int i = 0; i < 5; i++) {
            runFor(900);
            peer.signOfLife(); // data every 900 ms: never a full interval of silence
        }
        assertEquals(List.of(), peer.log);
        runFor(1000);
        assertEquals(List.of("PING@5500"), peer.log);
    }

    @Test
    void anAnsweredPingKeepsThePeerAliveForever() {
        Peer peer = new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        timer.runDue(clock.nanoTime());
        List<String> expected = new ArrayList<>();
        for (int beat = 0; beat < 20; beat++) {
            runFor(1000);
            runFor(2); // the PONG comes back 2 ms after the PING
            peer.signOfLife();
            expected.add("PING@" + (1000 + 1002L * beat));
        }
        assertEquals(expected, peer.log);
    }

    @Test
    void anAnsweredPeerIsPingedEveryIntervalAndNeverSuspectedWhenTheTimeoutIsMuchLonger() {
        Peer peer = new Peer(HeartbeatPolicy.fixed(Duration.ofMillis(20), Duration.ofSeconds(5)));
        timer.runDue(clock.nanoTime());
        for (int beat = 0; beat < 100; beat++) {
            runFor(20);
            runFor(2); // the PONG, 2 ms after the PING
            peer.signOfLife();
        }
        assertTrue(peer.log.stream().allMatch(e -> e.startsWith("PING")), peer.log.toString());
        assertEquals(100, peer.log.size(), "a PING every interval after each answer: " + peer.log);
    }

    @Test
    void aPeerThatRecoversFromSuspectIsNotDeclaredDead() {
        Peer peer = new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        timer.runDue(clock.nanoTime());
        runFor(2500);
        assertEquals(List.of("PING@1000", "SUSPECT@2000"), peer.log);
        peer.signOfLife();
        runFor(2500);
        assertEquals(List.of("PING@1000", "SUSPECT@2000", "PING@3500", "SUSPECT@4500"), peer.log);
    }

    @Test
    void aLocalPauseLongerThanTheTimeoutDeclaresNoOneDead() {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            peers.add(new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3))));
        }
        timer.runDue(clock.nanoTime());
        runFor(500);
        clock.advance(Duration.ofSeconds(10)); // a stop-the-world pause: the timer runs 9.5 s late
        timer.runDue(clock.nanoTime());
        assertEquals(1, timer.pauses());
        for (Peer p : peers) {
            assertEquals(List.of("PING@10500"), p.log, "a PING for evidence, but nobody judged on our own pause");
        }
        runFor(5000);
        for (Peer p : peers) {
            // At once a PING (they really have been silent past the interval), but a fresh timeout for judgement.
            assertEquals(List.of("PING@10500", "SUSPECT@12500", "DEAD@13500"), p.log);
        }
    }

    @Test
    void pausesOverAndOverStillLetPingsOut() {
        Peer peer = new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        timer.runDue(clock.nanoTime());
        // An overloaded machine: every deadline runs 150 ms late, each counted as a pause of ours.
        for (int i = 0; i < 5; i++) {
            clock.advanceMillis(1150);
            timer.runDue(clock.nanoTime());
            if (peer.log.contains("PING@1150")) {
                peer.signOfLife(); // the PONG
            }
        }
        assertTrue(peer.log.contains("PING@1150"), "the PING is not held back by our own lateness: " + peer.log);
        assertTrue(timer.pauses() >= 1);
    }

    @Test
    void noneNeverPingsAndNeverDeclaresDead() {
        Peer peer = new Peer(HeartbeatPolicy.none());
        timer.runDue(clock.nanoTime());
        runFor(60_000);
        assertEquals(List.of(), peer.log);
        assertEquals(0, timer.size());
    }

    @Test
    void phiAccrualStaysQuietUnderJitteredRegularBeatsAndConvictsWhenTheyStop() {
        Peer peer = new Peer(HeartbeatPolicy.phiAccrual(Duration.ofMillis(100)).build());
        timer.runDue(clock.nanoTime());
        java.util.Random random = new java.util.Random(42);
        for (int beat = 0; beat < 300; beat++) {
            runFor(100 + random.nextInt(20)); // PING after 100 ms, PONG 0-19 ms later
            peer.signOfLife();
        }
        assertTrue(peer.log.stream().noneMatch(e -> e.startsWith("SUSPECT") || e.startsWith("DEAD")),
                peer.log.toString());
        long stopped = (clock.nanoTime() - start) / MS;
        runFor(5000);
        String dead = peer.log.getLast();
        assertTrue(dead.startsWith("DEAD@"), peer.log.toString());
        long detectedAfter = Long.parseLong(dead.substring(5)) - stopped;
        // Never before the minimum timeout (2 intervals), and well before the maximum (10 intervals).
        assertTrue(detectedAfter >= 200 && detectedAfter < 1000, "detected after " + detectedAfter + " ms");
    }

    @Test
    void raisingThePingIntervalKeepsTheTimeAllowedForAnAnswer() {
        Liveness liveness = new Liveness(Detector.of(HeartbeatPolicy.fixed(Duration.ofMillis(50),
                Duration.ofMillis(200))));
        liveness.raisePingInterval(500 * MS);
        long t0 = 0;
        assertEquals(0, liveness.evaluate(t0 + 499 * MS, t0, Long.MIN_VALUE, false));
        assertEquals(Liveness.PING, liveness.evaluate(t0 + 500 * MS, t0, Long.MIN_VALUE, false));
        // Suspect halfway through the 150 ms an answer may take, dead when it is all gone.
        assertEquals(0, liveness.evaluate(t0 + 574 * MS, t0, Long.MIN_VALUE, false));
        assertEquals(Liveness.SUSPECT, liveness.evaluate(t0 + 575 * MS, t0, Long.MIN_VALUE, false));
        assertEquals(0, liveness.evaluate(t0 + 649 * MS, t0, Long.MIN_VALUE, true));
        assertEquals(Liveness.DEAD, liveness.evaluate(t0 + 650 * MS, t0, Long.MIN_VALUE, true));
    }
}
