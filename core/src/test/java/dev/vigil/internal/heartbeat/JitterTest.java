package dev.vigil.internal.heartbeat;

import dev.vigil.HeartbeatPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heartbeat jitter on the fake clock, with the random source injected. */
class JitterTest {
    private static final long MS = 1_000_000L;
    private static final LocalPauses NO_STALLS = new LocalPauses();

    /**
     * A peer that answers every PING after 1 ms, evaluated exactly at each deadline; returns the silence before each
     * PING, in milliseconds.
     */
    private static List<Long> silencesBeforePings(Liveness liveness, int beats) {
        List<Long> silences = new ArrayList<>();
        long now = 0;
        long since = 0;
        while (silences.size() < beats) {
            Liveness.Verdict v = liveness.evaluate(now, since, NO_STALLS, false);
            assertTrue(v.action() != Liveness.Action.DEAD && v.action() != Liveness.Action.SUSPECT, v.toString());
            if (v.action() == Liveness.Action.PING) {
                silences.add((now - since) / MS);
                since = now + MS; // the PONG
            }
            now = Math.max(v.next(), since);
        }
        return silences;
    }

    @Test
    void eachSilencePingsAfterBetweenNinetyAndOneHundredPercentOfTheIntervalByDefault() {
        HeartbeatPolicy policy = HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3));
        assertEquals(0.1, policy.jitter());
        List<Long> silences = silencesBeforePings(new Liveness(Detector.of(policy),
                new SplittableRandom(7)::nextDouble), 200);
        LongSummaryStatistics stats = silences.stream().mapToLong(Long::longValue).summaryStatistics();
        assertTrue(stats.getMin() >= 900 && stats.getMax() <= 1000, stats.toString());
        assertTrue(stats.getMax() - stats.getMin() >= 80, "spread over the range: " + stats);
        assertTrue(new TreeSet<>(silences).size() > 50, "not a few fixed values: " + new TreeSet<>(silences));
    }

    @Test
    void aFleetThatStartedTogetherDoesNotBeatInLockstep() {
        HeartbeatPolicy policy = HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3));
        SplittableRandom shared = new SplittableRandom(42);
        TreeSet<Long> tenthPingAt = new TreeSet<>();
        TreeSet<Long> withoutJitter = new TreeSet<>();
        for (int sensor = 0; sensor < 100; sensor++) {
            tenthPingAt.add(tenthPing(new Liveness(Detector.of(policy), shared::nextDouble)));
            withoutJitter.add(tenthPing(new Liveness(Detector.of(((HeartbeatPolicy.Fixed) policy).withJitter(0)),
                    shared::nextDouble)));
        }
        assertEquals(1, withoutJitter.size(), "without jitter all hundred ping at the same instant");
        assertTrue(tenthPingAt.last() - tenthPingAt.first() >= 300, "ten beats in, spread over "
                + (tenthPingAt.last() - tenthPingAt.first()) + " ms");
        assertTrue(tenthPingAt.size() >= 80, tenthPingAt.size() + " distinct milliseconds of 100");
    }

    /** {@return when, in ms from the start, the tenth PING goes out} */
    private static long tenthPing(Liveness liveness) {
        long now = 0;
        long since = 0;
        int pings = 0;
        while (true) {
            Liveness.Verdict v = liveness.evaluate(now, since, NO_STALLS, false);
            if (v.action() == Liveness.Action.PING && ++pings == 10) {
                return now / MS;
            }
            if (v.action() == Liveness.Action.PING) {
                since = now + MS;
            }
            now = Math.max(v.next(), since);
        }
    }

    @Test
    void noJitterPingsAfterExactlyTheInterval() {
        HeartbeatPolicy policy = HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)).withJitter(0);
        List<Long> silences = silencesBeforePings(new Liveness(Detector.of(policy),
                new SplittableRandom(7)::nextDouble), 20);
        assertEquals(List.of(1000L), List.copyOf(new TreeSet<>(silences)));
    }

    @Test
    void jitterNeverPingsSoonerThanThePeerAccepts() {
        HeartbeatPolicy policy = HeartbeatPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3)).withJitter(0.5);
        DoubleSupplier almostOne = () -> 0.999; // the draw that pings soonest: after 500 ms
        Liveness liveness = new Liveness(Detector.of(policy), almostOne);
        assertEquals(null, liveness.applyPeerMinimum(800 * MS)); // below our interval: nothing raised
        assertEquals(List.of(800L), List.copyOf(new TreeSet<>(silencesBeforePings(liveness, 20))));
    }

    @Test
    void aPhiAccrualPolicyIsJitteredToo() {
        HeartbeatPolicy policy = HeartbeatPolicy.phiAccrual(Duration.ofMillis(100)).jitter(0.2).build();
        List<Long> silences = silencesBeforePings(new Liveness(Detector.of(policy),
                new SplittableRandom(3)::nextDouble), 100);
        LongSummaryStatistics stats = silences.stream().mapToLong(Long::longValue).summaryStatistics();
        assertTrue(stats.getMin() >= 80 && stats.getMax() <= 100 && stats.getMax() - stats.getMin() >= 15,
                stats.toString());
    }
}
