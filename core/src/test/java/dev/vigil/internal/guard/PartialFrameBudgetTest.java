package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.internal.guard.PartialFrameBudget.Eviction;
import dev.vigil.internal.guard.PartialFrameBudget.Holder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartialFrameBudgetTest {
    private final PartialFrameBudget<String> budget = new PartialFrameBudget<>(1_000);

    @Test
    void connectionsReserveWhatArrivesAndReleaseWhenTheFrameCompletesOrTheyDie() {
        Holder<String> a = budget.register("a");
        Holder<String> b = budget.register("b");
        assertEquals(List.of(), a.hold(100));
        assertEquals(List.of(), a.hold(300));
        assertEquals(List.of(), b.hold(200));
        assertEquals(500, budget.held());
        a.release();
        assertEquals(200, budget.held());
        b.close();
        b.close();
        assertEquals(0, budget.held());
        assertEquals(List.of(), b.hold(900), "a dead connection holds nothing");
        assertEquals(0, budget.held());
    }

    @Test
    void pastTheBudgetTheConnectionsHoldingTheMostAreNamedUntilTheRestFit() {
        Holder<String> a = budget.register("a");
        Holder<String> b = budget.register("b");
        Holder<String> c = budget.register("c");
        Holder<String> d = budget.register("d");
        a.hold(450);
        b.hold(300);
        c.hold(200);
        List<Eviction<String>> out = d.hold(250); // 1,200: 200 over
        assertEquals(List.of("a"), out.stream().map(Eviction::owner).toList());
        CloseReason reason = out.getFirst().reason();
        assertEquals(CloseReason.Kind.POLICY_VIOLATION, reason.kind());
        assertEquals("out of memory for partial frames: all connections together hold 1.2 KiB of frames still "
                + "arriving, over this server's budget of 1,000 bytes; this connection held one of the largest, "
                + "450 bytes", reason.message());
        out = c.hold(600); // 1,600 held, 450 of it condemned: 150 over, and a is not chosen again
        assertEquals(List.of("c"), out.stream().map(Eviction::owner).toList());
    }

    @Test
    void theBytesOfConnectionsNamedButNotYetClosedCountAsFreedSoTheNextReadsNameNobodyElse() {
        Holder<String> a = budget.register("a");
        Holder<String> b = budget.register("b");
        a.hold(900);
        assertEquals(List.of("a"), b.hold(200).stream().map(Eviction::owner).toList());
        // a's reader has not stopped yet: its 900 bytes are still held, but they are on their way out.
        assertEquals(List.of(), b.hold(250));
        assertEquals(List.of(), a.hold(950), "a is not named twice");
        assertEquals(1_200, budget.held());
        a.close();
        assertEquals(250, budget.held());
    }

    @Test
    void theConnectionThatCrossedTheBudgetMayBeTheOneNamed() {
        Holder<String> a = budget.register("a");
        budget.register("b").hold(100);
        assertEquals(List.of("a"), a.hold(1_200).stream().map(Eviction::owner).toList());
    }

    @Test
    void aFloodOfReadsOverTheBudgetClosesJustEnoughConnectionsAndNoneTwice() {
        List<Holder<String>> hs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            hs.add(budget.register("c" + i));
        }
        List<String> closed = new ArrayList<>();
        for (int round = 1; round <= 10; round++) {
            for (Holder<String> h : hs) {
                for (Eviction<String> e : h.hold(round * 10L)) {
                    closed.add(e.owner());
                    hs.get(Integer.parseInt(e.owner().substring(1))).close(); // what the core does
                }
            }
        }
        // 20 connections each wanting 100 bytes: 2,000 against 1,000.
        assertEquals(closed.size(), closed.stream().distinct().count(), "nobody named twice: " + closed);
        long living = budget.held();
        assertTrue(living <= 1_000, "the rest fit: " + living);
        assertTrue(living > 1_000 - 100, "no more closed than needed (one connection's worth at most): " + living);
    }

    @Test
    void afterTheChosenConnectionsDieTheBudgetIsFreeForOthers() {
        Holder<String> a = budget.register("a");
        Holder<String> b = budget.register("b");
        assertEquals(1, a.hold(1_001).size());
        a.close();
        assertEquals(List.of(), b.hold(1_000));
        assertEquals(1_000, budget.held());
    }

    @Test
    @Timeout(30)
    void aCloseFromAnotherThreadWhileTheReaderHoldsLeavesNothingBehind() throws Exception {
        PartialFrameBudget<Integer> shared = new PartialFrameBudget<>(1L << 40);
        Thread.Builder readers = Thread.ofPlatform().name("budget-reader-", 0);
        for (int round = 0; round < 1_000; round++) {
            Holder<Integer> h = shared.register(round);
            CountDownLatch reading = new CountDownLatch(1);
            Thread reader = readers.start(() -> {
                for (int i = 1; i <= 20_000; i++) {
                    h.hold(i);
                    if (i == 100) {
                        reading.countDown();
                    }
                }
            });
            reading.await();
            h.close(); // the timer or the manager ends the connection while its reader is still reading
            reader.join();
            assertEquals(0, shared.held(), "round " + round);
        }
    }

    @Test
    @Timeout(30)
    void concurrentReadersAndClosesLeaveNothingBehind() throws Exception {
        PartialFrameBudget<Integer> shared = new PartialFrameBudget<>(256 * 1024);
        // A connection that holds most of the budget for the whole run: the first read of any thread that holds more
        // than the rest crosses it, however the threads interleave (on a loaded machine they may barely overlap).
        Holder<Integer> hog = shared.register(-3);
        assertEquals(List.of(), hog.hold(200_000));
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger evictions = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            ts.add(Thread.ofPlatform().name("budget-" + t).start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int conn = 0; conn < 2_000; conn++) {
                    Holder<Integer> h = shared.register(conn);
                    for (int read = 0; read < 20; read++) {
                        evictions.addAndGet(h.hold(random.nextInt(200_000)).size());
                        if (random.nextInt(5) == 0) {
                            h.release();
                        }
                    }
                    h.close();
                }
            }));
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        hog.close();
        assertEquals(0, shared.held(), "every reservation returned");
        assertTrue(evictions.get() > 0, "the budget was crossed and someone was named");
        // Nothing is left counted as condemned either: the whole budget is usable, and not a byte more.
        assertEquals(List.of(), shared.register(-1).hold(256 * 1024));
        assertEquals(1, shared.register(-2).hold(1).size());
    }
}
