package dev.vigil.internal.heartbeat;

import dev.vigil.internal.FakeTicker;
import dev.vigil.HeartbeatPolicy;
import org.jetbrains.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounded pause guard, on the fake clock: this JVM is stopped for a while in every period, as a shell loop of
 * SIGSTOP and SIGCONT, a long GC pause after another or an overcommitted VM would stop it, so the timer's wake-ups
 * are late again and again. A dead peer must still be declared dead within its timeout plus the stall that was
 * measured inside its silence, and a live one never, however the stops fall.
 */
class RepeatedStallsTest {
    private static final long MS = 1_000_000L;
    private static final long NONE = Long.MAX_VALUE;
    private static final HeartbeatPolicy.Fixed POLICY = HeartbeatPolicy.fixed(Duration.ofMillis(500),
            Duration.ofSeconds(2)); // the fleet demo's
    private static final long TIMEOUT = POLICY.timeout().toNanos();
    private static final long RTT = 2 * MS;

    private final FakeTicker clock = new FakeTicker();
    private final HeartbeatTimer timer = new HeartbeatTimer(clock, "test-timer");

    /**
     * A JVM stopped for {@code stop} at the start of every {@code period} after {@code origin}.
     */
    record StoppedJvm(long origin, long period, long stop) {
        /** {@return when a thread of this JVM that wants to run at {@code t} runs} */
        long runsAt(long t) {
            long into = Math.floorMod(t - origin, period);
            return into < stop ? t + (stop - into) : t;
        }

        /** {@return how much of {@code [from, to]} this JVM was really stopped} */
        long stoppedWithin(long from, long to) {
            long sum = 0;
            for (long k = Math.floorDiv(from - origin, period); origin + k * period < to; k++) {
                long start = origin + k * period;
                sum += Math.max(0, Math.min(start + stop, to) - Math.max(start, from));
            }
            return sum;
        }
    }

    /** A peer as one connection's timer task sees it; it answers every PING after {@link #RTT} while it lives. */
    private final class Peer implements HeartbeatTimer.Task {
        final Liveness liveness;
        long since = clock.nanoTime();
        boolean alive = true;
        boolean suspect;
        int suspicions;
        long pongArrives = NONE;
        @Nullable Liveness.Verdict dead;
        long deadAt;

        Peer(long seed) {
            liveness = new Liveness(Detector.of(POLICY), new SplittableRandom(seed)::nextDouble);
            timer.schedule(new HeartbeatTimer.Entry(this), clock.nanoTime());
        }

        @Override
        public long onTimer(long now, LocalPauses pauses) {
            Liveness.Verdict verdict = liveness.evaluate(now, since, pauses, suspect);
            switch (verdict.action()) {
                case DEAD -> {
                    dead = verdict;
                    deadAt = now;
                }
                case SUSPECT -> {
                    suspect = true;
                    suspicions++;
                }
                case PING -> {
                    if (alive) {
                        pongArrives = now + RTT; // the peer runs fine: its answer is in our socket buffer then
                    }
                }
                case NONE -> {
                }
            }
            return verdict.next();
        }

        /** Our reader reads what arrived: a new silence starts. */
        void signOfLife(long now) {
            since = now;
            suspect = false;
            pongArrives = NONE;
        }
    }

    /**
     * Runs until {@code until} or the peer is declared dead. At each moment a thread of ours runs, the timer goes
     * first and the reader after it (the order that is hardest on the guard); a stopped JVM runs neither.
     */
    private void run(StoppedJvm jvm, Peer peer, long until) {
        long timerDue = timer.runDue(clock.nanoTime());
        while (clock.nanoTime() < until && peer.dead == null) {
            long wanted = Math.min(Math.min(timerDue, peer.pongArrives), until);
            long at = jvm.runsAt(Math.max(wanted, clock.nanoTime()));
            clock.advance(Duration.ofNanos(at - clock.nanoTime()));
            timerDue = timer.runDue(at);
            if (peer.dead == null && peer.pongArrives <= at) {
                peer.signOfLife(at);
            }
        }
    }

    @ParameterizedTest(name = "stopped {1} ms of every {0} ms, phase {2} ms")
    @CsvSource({"500, 150, 0", "500, 150, 130", "500, 150, 370", "1000, 300, 610", "2000, 1500, 0",
            "1000, 900, 450"})
    void aDeadPeerIsDeclaredDeadWithinItsTimeoutPlusTheMeasuredStallWhileWakeUpsAreLateAgainAndAgain(
            long periodMs, long stopMs, long phaseMs) {
        StoppedJvm jvm = new StoppedJvm(clock.nanoTime() + phaseMs * MS, periodMs * MS, stopMs * MS);
        Peer peer = new Peer(periodMs * 31 + phaseMs);
        run(jvm, peer, clock.nanoTime() + 5_000 * MS); // alive for five seconds, answering every PING
        assertNull(peer.dead, "a live peer was declared dead");
        peer.alive = false; // power cut: no answer ever again (one already on its way still arrives)
        run(jvm, peer, clock.nanoTime() + 60_000 * MS);

        Liveness.Verdict dead = peer.dead;
        assertNotNull(dead, "the dead peer was never declared dead");
        long lastHeard = peer.since;
        assertEquals(peer.deadAt - lastHeard, dead.silence());
        assertTrue(dead.judged() >= TIMEOUT, "declared dead early: " + dead);
        // Within timeout + measured stall, give or take a wake-up too slightly late to count as a stall.
        assertTrue(dead.silence() <= TIMEOUT + dead.stalled() + HeartbeatTimer.STALL_THRESHOLD,
                "silence " + dead.silence() / MS + " ms, stall measured " + dead.stalled() / MS + " ms");
        // Forgiven no more than this JVM really stopped...
        long stopped = jvm.stoppedWithin(lastHeard, peer.deadAt);
        assertTrue(dead.stalled() <= stopped, "forgave " + dead.stalled() / MS + " ms of " + stopped / MS);
        // ...so detection keeps up with the time the JVM ran: no sliding without limit.
        double running = 1 - (double) stopMs / periodMs;
        assertTrue(dead.silence() <= TIMEOUT / running + periodMs * MS, "dead only after " + dead.silence() / MS
                + " ms");
        assertTrue(timer.localPauses().count() > 0, "the stops were measured");
        assertTrue(new Liveness(Detector.of(POLICY)).explain(dead).contains("of it in this JVM's own measured "
                + "stalls"), "the close reason says the stall");
    }

    @ParameterizedTest(name = "stopped {1} ms of every {0} ms, phase {2} ms")
    @CsvSource({"500, 150, 0", "500, 150, 260", "1000, 300, 610", "2000, 1500, 0", "2000, 1500, 700",
            "1000, 900, 450", "3000, 2800, 100"})
    void aLivePeerIsNeverDeclaredDeadForTheTimeThisJvmWasStopped(long periodMs, long stopMs, long phaseMs) {
        StoppedJvm jvm = new StoppedJvm(clock.nanoTime() + phaseMs * MS, periodMs * MS, stopMs * MS);
        Peer peer = new Peer(periodMs * 17 + phaseMs);
        run(jvm, peer, clock.nanoTime() + 60_000 * MS);
        assertNull(peer.dead, () -> "a live peer was declared dead: " + peer.dead);
        assertTrue(peer.liveness.pings() > 10, "it was pinged all along: " + peer.liveness.pings());
        if (stopMs <= 300) {
            assertEquals(0, peer.suspicions, "stops this short leave a live peer above suspicion");
        }
    }
}
