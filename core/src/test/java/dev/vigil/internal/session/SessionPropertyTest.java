package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random runs of sends both ways, writes, reads, ACKs, time, cuts (some with the server still reading the dead
 * connection after the client came back) and resumes. A failing seed is printed in the test's name; rerun it alone.
 */
class SessionPropertyTest {

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    private static final SessionPolicy ROOMY = SessionPolicy.builder()
            .replayMessages(1_000_000).replayBytes(1L << 30).replayAge(Duration.ofDays(1))
            .linger(Duration.ofDays(1)).ackEvery(8).ackInterval(Duration.ofMillis(50)).build();

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyMessageIsDeliveredExactlyOnceInOrderAcrossCutsAndResumes(long seed) throws Exception {
        SessionSimulation sim = new SessionSimulation(seed, ROOMY);
        sim.connect();
        for (int i = 0; i < 3_000; i++) {
            sim.step();
        }
        sim.drain();

        sim.assertExactlyOnceInOrder();
        assertTrue(sim.clientFailed.isEmpty(), "nothing failed within roomy bounds");
        assertTrue(sim.clientHandedBack.isEmpty(), "nothing handed back within roomy bounds");
        for (Admission<Integer, String> a : sim.admissions.subList(1, sim.admissions.size())) {
            assertTrue(a instanceof Admission.Resumed, () -> "every reconnect resumes: " + a);
        }
        assertEquals(1, sim.table.size(), "one session throughout");
        assertTrue(sim.cuts >= 20 && sim.resumes >= 20, () -> "the run cut and resumed often: " + sim.cuts
                + " cuts, " + sim.resumes + " resumes");
    }

    /** The runs above are worth something only if they hit the hard cases; this says they do. */
    @Test
    void theRandomRunsCutMidStreamTakeOverDisplacedConnectionsAndDropTheirCopies() throws Exception {
        long cuts = 0;
        long takeovers = 0;
        long duplicates = 0;
        long replayed = 0;
        for (long seed = 0; seed < 50; seed++) {
            SessionSimulation sim = new SessionSimulation(seed, ROOMY);
            sim.connect();
            for (int i = 0; i < 3_000; i++) {
                sim.step();
            }
            sim.drain();
            sim.assertExactlyOnceInOrder();
            cuts += sim.cuts;
            takeovers += sim.takeovers;
            duplicates += sim.duplicatesDropped;
            replayed += sim.replayedFrames;
        }
        assertTrue(cuts > 2_000, "cuts: " + cuts);
        assertTrue(takeovers > 200, "takeovers: " + takeovers);
        assertTrue(duplicates > 100, "copies dropped on displaced connections: " + duplicates);
        assertTrue(replayed > 1_000, "frames replayed: " + replayed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aSmallBufferPushesBackWhileConnectedAndNeverLosesAMessage(long seed) throws Exception {
        SessionPolicy small = SessionPolicy.builder().replayMessages(5).replayBytes(16).ackEvery(2)
                .ackInterval(Duration.ofMillis(10)).replayAge(Duration.ofDays(1)).linger(Duration.ofDays(1)).build();
        SessionSimulation sim = new SessionSimulation(seed, small);
        sim.connect();
        for (int i = 0; i < 2_000; i++) {
            sim.step();
        }
        sim.drain();

        // Sends made while disconnected may have overflowed the session: then every message is either delivered
        // once, in order, or failed at send, or handed back, never two of these.
        Set<Integer> seen = new HashSet<>();
        List<Integer> all = new ArrayList<>(sim.serverGot);
        all.addAll(sim.clientFailed);
        all.addAll(sim.clientHandedBack);
        for (int v : all) {
            assertTrue(seen.add(v), () -> "message " + v + " accounted for twice");
        }
        assertEquals(Set.copyOf(SessionSimulation.range(sim.clientNext)), seen, "every message accounted for");
        for (int i = 1; i < sim.serverGot.size(); i++) {
            assertTrue(sim.serverGot.get(i) > sim.serverGot.get(i - 1), "the server delivered in send order");
        }
        for (ClientOutcome<Integer> o : sim.outcomes) {
            if (o instanceof ClientOutcome.Refused<Integer> r) {
                assertEquals(ResumeFailure.REPLAY_OVERFLOW, r.reason(), "only an overflow refuses here");
            }
        }
    }
}
