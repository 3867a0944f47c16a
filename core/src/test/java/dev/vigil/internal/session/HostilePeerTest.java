package dev.vigil.internal.session;

import dev.vigil.SessionPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that sends random counts: ACKs beyond what was sent, going backwards, resume requests with impossible
 * counts, answers that do not fit. Each is refused with a clear protocol error, or accepted if it is valid; nothing is
 * ever confirmed that the peer did not deliver, and nothing twice.
 */
class HostilePeerTest {

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    private static long hostileCount(Random random, long sent) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextLong(sent + 1);
            case 1 -> sent + 1 + random.nextInt(5);
            case 2 -> Long.MAX_VALUE - random.nextInt(3);
            default -> random.nextLong(Long.MAX_VALUE);
        };
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomAcksAreAcceptedOnlyWhenValidAndConfirmEachMessageOnce(long seed) {
        Random random = new Random(seed);
        SessionTable<Integer, String> table = new SessionTable<>(SessionPolicy.defaults(), new Random(seed));
        @SuppressWarnings("unchecked")
        Admission.Started<Integer, String> started = (Admission.Started<Integer, String>) table.admit(
                SessionWire.Request.fresh(), "c", 0);
        SessionChannel<Integer> server = new SessionChannel<>(started.link());
        ReplayBuffer<Integer> out = started.link().session().out();
        List<ReplayBuffer.Entry<Integer>> entries = new ArrayList<>();
        long highestValid = 0;
        int refused = 0;
        for (int step = 0; step < 500; step++) {
            if (random.nextBoolean()) {
                entries.add(out.append(step, new byte[1], 0));
            }
            long count = hostileCount(random, out.sent());
            byte[] frame = SessionWire.ackFrame(count);
            try {
                List<ReplayBuffer.Entry<Integer>> released = server.onAck(frame, 5, 8);
                assertTrue(count >= highestValid && count <= out.sent(), "accepted only a valid count: " + count);
                for (ReplayBuffer.Entry<Integer> e : released) {
                    assertTrue(e.position() > highestValid && e.position() <= count);
                    assertFalse(e.delivered().isDone(), "confirmed twice");
                }
                Settlement.confirm(released);
                highestValid = count;
            } catch (SessionProtocolException e) {
                refused++;
                String m = e.getMessage();
                assertTrue(m.contains("covers frames never sent") || m.contains("goes backwards")
                        || m.contains("below 2^63"), m);
            }
        }
        assertTrue(refused > 0, "the random counts included bad ones");
        for (ReplayBuffer.Entry<Integer> e : entries) {
            assertEquals(e.position() <= highestValid, e.delivered().isDone(), "entry " + e.position());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomResumeRequestsAreEitherValidOrRefusedAndLeaveTheSessionResumable(long seed) {
        Random random = new Random(seed);
        SessionTable<Integer, String> table = new SessionTable<>(SessionPolicy.defaults(), new Random(seed));
        @SuppressWarnings("unchecked")
        Admission.Started<Integer, String> started = (Admission.Started<Integer, String>) table.admit(
                SessionWire.Request.fresh(), "c", 0);
        Link<Integer> link = started.link();
        for (int i = 0; i < 20; i++) {
            link.session().out().append(i, new byte[1], 0);
        }
        for (int i = 0; i < 7; i++) {
            link.data().onData(0);
        }
        table.detach(link, true, 0);
        UUID id = link.session().id();
        assertNotNull(id);
        for (int attempt = 0; attempt < 100; attempt++) {
            long delivered = hostileCount(random, 20) & Long.MAX_VALUE;
            long sent = hostileCount(random, 10) & Long.MAX_VALUE;
            byte[] option = new SessionWire.Request(1, true, false, id, table.epoch(), delivered, sent).encode();
            SessionWire.Request request;
            try {
                request = SessionWire.decodeRequest(option, 2, option[1] & 0xff);
            } catch (SessionProtocolException e) {
                throw new AssertionError(e);
            }
            Admission<Integer, String> a = table.admit(request, "c" + attempt, 0);
            boolean valid = delivered <= 20 && sent >= 7;
            if (a instanceof Admission.Resumed<Integer, String> r) {
                assertTrue(valid, "resumed with delivered " + delivered + ", sent " + sent);
                assertEquals(20 - delivered, r.replayedToPeer());
                assertEquals(sent - 7, r.replayedFromPeer());
                table.detach(r.link(), true, 0);
                link = r.link();
                break;
            }
            Admission.Violation<Integer, String> v = (Admission.Violation<Integer, String>) a;
            assertFalse(valid, v.message());
            assertTrue(v.message().startsWith("session resume request says the client"), v.message());
            assertEquals(1, table.lingering(), "a refused request leaves the session as it was");
        }
        assertEquals(1, table.size());
    }
}
