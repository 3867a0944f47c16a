package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.internal.guard.PartialFrameBudget.Eviction;
import dev.vigil.internal.guard.PartialFrameBudget.Holder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random event sequences against every guard, each checked step by step against a reference model written
 * from the guard's contract (not from its code). The default run tries 100,000 generated events in all; the
 * {@code long} profile 1,000,000 per guard. A failure names the seed and the step.
 */
class GuardFuzzTest {
    private static final long SEED = 20_261_201L;
    private static final Set<CloseReason.Kind> GUARD_KINDS =
            EnumSet.of(CloseReason.Kind.POLICY_VIOLATION, CloseReason.Kind.SLOW_CONSUMER);

    @Test
    void shortRun() {
        run(20_000);
    }

    @Test
    @Tag("long")
    void longRun() {
        run(1_000_000);
    }

    /** Runs every guard's fuzzer; each must have reached its acting verdict often, or it tested only the easy path. */
    private static void run(int events) {
        assertTrue(tokenBucketNeverLetsMoreThroughThanItsBurstPlusItsRate(SEED, events) > events / 100, "debts");
        assertTrue(frameProgressGuardMatchesItsWindowModel(SEED + 1, events) > events / 1_000, "frame closes");
        assertTrue(writeProgressGuardClosesOnlyAfterADeadlineWithoutProgress(SEED + 2, events) > events / 1_000,
                "slow consumers");
        assertTrue(partialFrameBudgetKeepsItsBooksAndClosesOnlyWhatItMust(SEED + 3, events) > events / 1_000,
                "evictions");
        readBufferSizerStaysWithinItsBounds(SEED + 4, events);
    }

    /** Whatever the costs and gaps, what passed without debt never exceeds burst + rate × elapsed. */
    static int tokenBucketNeverLetsMoreThroughThanItsBurstPlusItsRate(long seed, int events) {
        SplittableRandom r = new SplittableRandom(seed);
        int step = 0;
        int acted = 0;
        while (step < events) {
            long rate = 1 + r.nextLong(1_000_000);
            long burst = 1 + r.nextLong(10_000);
            long start = r.nextLong(1L << 40);
            TokenBucket b = new TokenBucket(rate, burst, start);
            long now = start;
            long passed = 0;
            long owed = 0; // the caller honours pauses, as a throttled reader does
            for (int i = 0; i < 1_000 && step < events; i++, step++) {
                now += Math.max(owed, r.nextInt(4) == 0 ? 0 : r.nextLong(2_000_000));
                long cost = r.nextInt(10) == 0 ? r.nextLong(2 * burst + 1) : r.nextLong(4);
                long wait = b.take(cost, now);
                assertTrue(wait >= 0, "seed " + seed + " step " + step);
                acted += wait > 0 ? 1 : 0;
                passed += cost;
                owed = wait;
                double allowed = burst + rate * ((now - start) / 1e9) + cost; // the last one may leave it in debt
                if (passed > allowed + 1e-6 * allowed + 1) {
                    fail("seed " + seed + " step " + step + ": " + passed + " passed, at most " + allowed);
                }
                assertTrue(b.level(now) <= burst, "never above its burst");
            }
        }
        return acted;
    }

    /** The guard's verdicts equal those of a model that keeps every arrival and judges each window afresh. */
    static int frameProgressGuardMatchesItsWindowModel(long seed, int events) {
        SplittableRandom r = new SplittableRandom(seed);
        int step = 0;
        int acted = 0;
        while (step < events) {
            long window = 1 + r.nextLong(5_000);
            long rate = r.nextInt(5) == 0 ? 0 : 1 + r.nextLong(2_000_000);
            FrameProgressGuard g = new FrameProgressGuard(window, rate);
            long need = rate == 0 ? Long.MAX_VALUE : (long) Math.ceil(rate * (window / 1e9));
            long now = r.nextLong(1L << 40);
            // the model: the current frame's start and its arrivals (time, total bytes)
            long frameStart = -1;
            List<long[]> arrivals = new ArrayList<>();
            boolean closed = false;
            for (int i = 0; i < 500 && step < events && !closed; i++, step++) {
                now += r.nextLong(window / 2 + 2);
                boolean timer = r.nextInt(3) == 0;
                long expectedViolation = frameStart < 0 ? -1 : firstShortWindow(frameStart, arrivals, window, need,
                        now);
                Verdict v;
                if (timer) {
                    v = g.check(now);
                } else {
                    long completed = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 0;
                    long partial = arrivals.isEmpty() || completed > 0 ? (r.nextBoolean() ? 0 : 1 + r.nextInt(100))
                            : arrivals.getLast()[1] + r.nextInt(3) * r.nextLong(need == Long.MAX_VALUE ? 50
                            : need + 1);
                    v = g.afterRead(now, partial, completed);
                    if (expectedViolation < 0) {
                        if (completed > 0 || frameStart < 0) {
                            arrivals.clear();
                            frameStart = partial > 0 ? now : -1;
                        }
                        if (frameStart >= 0) {
                            arrivals.add(new long[]{now, partial});
                        }
                    }
                }
                String where = "seed " + seed + " step " + step;
                if (expectedViolation >= 0) {
                    CloseReason reason = assertInstanceOf(Verdict.Close.class, v, where).reason();
                    assertTrue(GUARD_KINDS.contains(reason.kind()), where);
                    closed = true;
                    acted++;
                } else {
                    assertSame(Verdict.CONTINUE, v, where);
                }
            }
        }
        return acted;
    }

    /** The end of the first window of the frame, ending at or before {@code now}, that brought too little; or -1. */
    private static long firstShortWindow(long start, List<long[]> arrivals, long window, long need, long now) {
        long bytesAtStart = 0;
        for (long end = start + window; end <= now; end += window) {
            long bytesAtEnd = 0;
            for (long[] a : arrivals) {
                if (a[0] < end) {
                    bytesAtEnd = a[1];
                }
            }
            if (bytesAtEnd - bytesAtStart < need) {
                return end;
            }
            bytesAtStart = bytesAtEnd;
        }
        return -1;
    }

    /** A close comes only after {@code deadline} of checks that saw bytes waiting and no progress, and always then. */
    static int writeProgressGuardClosesOnlyAfterADeadlineWithoutProgress(long seed, int events) {
        SplittableRandom r = new SplittableRandom(seed);
        int step = 0;
        int acted = 0;
        while (step < events) {
            long deadline = 1 + r.nextLong(1_000_000);
            WriteProgressGuard g = new WriteProgressGuard(deadline);
            long now = r.nextLong(1L << 40);
            long written = 0;
            long stallSeen = -1;
            long lastWritten = 0;
            for (int i = 0; i < 1_000 && step < events; i++, step++) {
                now += r.nextLong(deadline / 3 + 1);
                if (r.nextInt(6) == 0) {
                    written += 1 + r.nextInt(1000);
                }
                long waiting = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(1 << 20);
                Verdict v = g.check(now, written, waiting);
                boolean stalled = waiting > 0 && written == lastWritten;
                if (!stalled) {
                    stallSeen = -1;
                } else if (stallSeen < 0) {
                    stallSeen = now;
                }
                lastWritten = written;
                String where = "seed " + seed + " step " + step;
                if (stallSeen >= 0 && now - stallSeen >= deadline) {
                    CloseReason reason = assertInstanceOf(Verdict.Close.class, v, where).reason();
                    assertEquals(CloseReason.Kind.SLOW_CONSUMER, reason.kind(), where);
                    acted++;
                    break;
                }
                assertSame(Verdict.CONTINUE, v, where);
            }
        }
        return acted;
    }

    /**
     * The books balance after every step; a connection is named at most once; after the named ones are closed
     * the rest fit the budget; and nobody is named while the living fit.
     */
    static int partialFrameBudgetKeepsItsBooksAndClosesOnlyWhatItMust(long seed, int events) {
        SplittableRandom r = new SplittableRandom(seed);
        int step = 0;
        int acted = 0;
        while (step < events) {
            long limit = 65_536 + r.nextLong(1 << 20);
            PartialFrameBudget<Integer> budget = new PartialFrameBudget<>(limit);
            Map<Integer, Holder<Integer>> living = new HashMap<>();
            Map<Integer, Long> model = new HashMap<>();
            Set<Integer> named = new HashSet<>();
            int next = 0;
            for (int i = 0; i < 2_000 && step < events; i++, step++) {
                String where = "seed " + seed + " step " + step;
                int op = r.nextInt(10);
                if (op == 0 || living.isEmpty()) {
                    living.put(next, budget.register(next));
                    model.put(next, 0L);
                    next++;
                } else {
                    List<Integer> ids = new ArrayList<>(living.keySet());
                    int id = ids.get(r.nextInt(ids.size()));
                    Holder<Integer> h = living.get(id);
                    if (op == 1) {
                        h.close();
                        living.remove(id);
                        model.remove(id);
                    } else if (op == 2) {
                        h.release();
                        model.put(id, 0L);
                    } else {
                        long bytes = model.get(id) + r.nextLong(limit / 8);
                        List<Eviction<Integer>> out = h.hold(bytes);
                        model.put(id, bytes);
                        long after = model.values().stream().mapToLong(Long::longValue).sum();
                        acted += out.size();
                        if (after <= limit) {
                            assertEquals(List.of(), out, where + ": named while everyone fits");
                        }
                        for (Eviction<Integer> e : out) {
                            assertTrue(named.add(e.owner()), where + ": named twice: " + e.owner());
                            assertTrue(GUARD_KINDS.contains(e.reason().kind()), where);
                            living.remove(e.owner()).close(); // what the core does
                            model.remove(e.owner());
                        }
                        long rest = model.values().stream().mapToLong(Long::longValue).sum();
                        assertTrue(rest <= limit, where + ": " + rest + " held by the living, over " + limit);
                    }
                }
                assertEquals(model.values().stream().mapToLong(Long::longValue).sum(), budget.held(), where);
            }
            living.values().forEach(Holder::close);
            assertEquals(0, budget.held(), "seed " + seed);
        }
        return acted;
    }

    /** Room for one more byte, never past the frame, never smaller, never more than the bound beyond what arrived. */
    static void readBufferSizerStaysWithinItsBounds(long seed, int events) {
        SplittableRandom r = new SplittableRandom(seed);
        ReadBufferSizer s = new ReadBufferSizer();
        for (int step = 0; step < events; step++) {
            long needed = 6 + r.nextLong(1L << 30);
            int buffered = (int) r.nextLong(needed);
            int capacity = Math.max(buffered, (int) Math.min(Integer.MAX_VALUE - 8,
                    buffered + (r.nextBoolean() ? 0 : r.nextLong(1 << 20))));
            int next = s.capacityFor(capacity, buffered, needed);
            String where = "seed " + seed + " step " + step + ": " + capacity + "/" + buffered + "/" + needed;
            assertTrue(next >= capacity, where);
            assertTrue(next > buffered, where);
            assertTrue(next <= Math.max(capacity, needed), where);
            assertTrue(next == capacity || next <= Math.min(1.5 * buffered, (double) buffered
                    + ReadBufferSizer.DEFAULT_MAX_STEP) + ReadBufferSizer.DEFAULT_MIN_STEP, where);
        }
    }
}
