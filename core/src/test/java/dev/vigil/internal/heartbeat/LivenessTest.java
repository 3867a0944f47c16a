package dev.vigil.internal.heartbeat;

import dev.vigil.internal.FakeTicker;
import dev.vigil.HeartbeatPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        int evaluations;
        long since;
        boolean suspect;
        boolean dead;

        Peer(HeartbeatPolicy policy) {
            liveness = new Liveness(Detector.of(policy), () -> 0.0);
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
        public long onTimer(long now, LocalPauses pauses) {
            Liveness.Verdict verdict = liveness.evaluate(now, since, pauses, suspect);
            evaluations++;
            long at = (now - start) / MS;
            switch (verdict.action()) {
                case DEAD -> {
                    log.add("DEAD@" + at);
                    dead = true;
                }
                case SUSPECT -> {
                    log.add("SUSPECT@" + at);
                    suspect = true;
                }
                case PING -> log.add("PING@" + at);
                case NONE -> {
                }
            }
            return verdict.next();
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
    void aSilentPeerCostsAHandfulOfEvaluationsNotOneForEveryTickUntilItIsDead() {
        Peer peer = new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        timer.runDue(clock.nanoTime());
        runFor(10_000);
        assertEquals(List.of("PING@1000", "SUSPECT@2000", "DEAD@3000"), peer.log);
        // The first, the PING, the suspect point, two looks for an answer's new silence, the death: no busy loop
        // once the look after the PING is past.
        assertTrue(peer.evaluations <= 8, peer.evaluations + " evaluations");
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
    void aLocalPauseLongerThanTheTimeoutIsForgivenOnceForExactlyItsLength() {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            peers.add(new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3))));
        }
        timer.runDue(clock.nanoTime());
        runFor(500);
        clock.advance(Duration.ofSeconds(10)); // a stop-the-world pause: the PING deadline at 1000 runs 9.5 s late
        timer.runDue(clock.nanoTime());
        assertEquals(1, timer.localPauses().count());
        assertEquals(9_500 * MS, timer.localPauses().totalNanos());
        for (Peer p : peers) {
            assertEquals(List.of("PING@10500"), p.log, "a PING for evidence, but nobody judged on our own pause");
        }
        runFor(5000);
        for (Peer p : peers) {
            // Dead at the timeout plus the 9.5 s measured: not a fresh timeout from the end of the pause.
            assertEquals(List.of("PING@10500", "SUSPECT@11500", "DEAD@12500"), p.log);
        }
    }

    @Test
    void pausesOverAndOverStillLetPingsOut() {
        Peer peer = new Peer(HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        timer.runDue(clock.nanoTime());
        // An overloaded machine: every deadline runs 150 ms late, each counted as a stall of ours.
        for (int i = 0; i < 5; i++) {
            clock.advanceMillis(1150);
            timer.runDue(clock.nanoTime());
            if (peer.log.contains("PING@1150")) {
                peer.signOfLife(); // the PONG
            }
        }
        assertTrue(peer.log.contains("PING@1150"), "the PING is not held back by our own lateness: " + peer.log);
        assertTrue(timer.localPauses().count() >= 1);
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
    void aPeerMinimumSlowsOurPingsButNeverLengthensOurTimeout() {
        Liveness liveness = new Liveness(Detector.of(HeartbeatPolicy.fixed(Duration.ofMillis(50),
                Duration.ofMillis(400))), () -> 0.0);
        assertEquals(null, liveness.applyPeerMinimum(200 * MS));
        LocalPauses none = new LocalPauses();
        long t0 = 0;
        assertEquals(Liveness.Action.NONE, liveness.evaluate(t0 + 199 * MS, t0, none, false).action());
        assertEquals(Liveness.Action.PING, liveness.evaluate(t0 + 200 * MS, t0, none, false).action());
        // Suspect halfway from the raised interval to our own timeout, dead at our own timeout: not 200 ms later.
        assertEquals(Liveness.Action.NONE, liveness.evaluate(t0 + 299 * MS, t0, none, false).action());
        assertEquals(Liveness.Action.SUSPECT, liveness.evaluate(t0 + 300 * MS, t0, none, false).action());
        assertEquals(Liveness.Action.NONE, liveness.evaluate(t0 + 399 * MS, t0, none, true).action());
        assertEquals(Liveness.Action.DEAD, liveness.evaluate(t0 + 400 * MS, t0, none, true).action());
    }

    @Test
    void aPeerMinimumThatLeavesNoRoomToPingWithinOurTimeoutIsRefusedWithBothNumbers() {
        HeartbeatPolicy policy = HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3));
        assertEquals(null, new Liveness(Detector.of(policy)).applyPeerMinimum(2_000 * MS), "up to halfway: fine");
        String refusal = new Liveness(Detector.of(policy)).applyPeerMinimum(2_001 * MS);
        assertEquals("peer accepts a PING at most every 2.0s, which leaves no room to PING within our heartbeat "
                + "timeout of 3.0s (a PING must be allowed after 2.0s of silence)", refusal);
        String huge = new Liveness(Detector.of(policy)).applyPeerMinimum(TimeUnit.DAYS.toNanos(40));
        assertTrue(huge != null && huge.contains("every 3456000s") && huge.contains("timeout of 3.0s"), huge);
        assertEquals(null, new Liveness(Detector.NONE).applyPeerMinimum(TimeUnit.DAYS.toNanos(40)),
                "a side that never pings does not care");
    }

    @Test
    void aPeerMinimumNeverLetsAnAdaptivePolicyWaitPastItsMaximumTimeout() {
        HeartbeatPolicy policy = HeartbeatPolicy.phiAccrual(Duration.ofMillis(100)).jitter(0).build(); // max 1 s
        Liveness liveness = new Liveness(Detector.of(policy));
        assertEquals(null, liveness.applyPeerMinimum(550 * MS));
        LocalPauses none = new LocalPauses();
        long deadAt = -1;
        long pingAt = -1;
        boolean suspect = false;
        for (long t = 1; t <= 5_000 && deadAt < 0; t++) {
            Liveness.Verdict v = liveness.evaluate(t * MS, 0, none, suspect);
            switch (v.action()) {
                case PING -> pingAt = t;
                case SUSPECT -> suspect = true;
                case DEAD -> deadAt = t;
                case NONE -> {
                }
            }
        }
        assertEquals(550, pingAt, "the PING waits for the peer's minimum");
        // The time the policy allowed for an answer is kept as far as our own maximum timeout lets it, never past.
        assertEquals(781, deadAt, "dead 231 ms after the PING, as phi allowed before the peer's minimum");
        assertTrue(liveness.applyPeerMinimum(551 * MS) != null, "beyond halfway from 100 ms to 1 s: refused");
    }
}
