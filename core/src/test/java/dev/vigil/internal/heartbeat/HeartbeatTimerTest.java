package dev.vigil.internal.heartbeat;

import dev.vigil.internal.FakeTicker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeartbeatTimerTest {
    private static final long MS = 1_000_000L;
    private final FakeTicker clock = new FakeTicker();
    private final HeartbeatTimer timer = new HeartbeatTimer(clock, "test-timer");

    @Test
    void tasksRunInDeadlineOrderWhateverOrderTheyWereScheduledIn() {
        List<Integer> ran = new ArrayList<>();
        Random random = new Random(7);
        long base = clock.nanoTime();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        for (int i : order) {
            int id = i;
            timer.schedule(new HeartbeatTimer.Entry((now, pause) -> {
                ran.add(id);
                return HeartbeatTimer.STOP;
            }), base + (i + 1) * 1_000L);
        }
        clock.advanceMillis(1);
        timer.runDue(clock.nanoTime());
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran);
        assertEquals(0, timer.size());
    }

    @Test
    void aRescheduledEntryRunsOnlyAtItsNewDeadline() {
        List<Long> ran = new ArrayList<>();
        HeartbeatTimer.Entry entry = new HeartbeatTimer.Entry((now, pause) -> {
            ran.add(now);
            return HeartbeatTimer.STOP;
        });
        long t = clock.nanoTime();
        timer.schedule(entry, t + 100);
        timer.schedule(entry, t + 500);
        assertEquals(1, timer.size());
        clock.advance(java.time.Duration.ofNanos(100));
        timer.runDue(clock.nanoTime());
        assertEquals(List.of(), ran);
        clock.advance(java.time.Duration.ofNanos(400));
        timer.runDue(clock.nanoTime());
        assertEquals(List.of(t + 500), ran);
    }

    @Test
    void aTaskThatThrowsIsRetriedAndDoesNotStopTheOthers() {
        List<String> ran = new ArrayList<>();
        long t = clock.nanoTime();
        timer.schedule(new HeartbeatTimer.Entry((now, pause) -> {
            ran.add("bad");
            throw new IllegalStateException("bug in a task");
        }), t + 1);
        timer.schedule(new HeartbeatTimer.Entry((now, pause) -> {
            ran.add("good");
            return HeartbeatTimer.STOP;
        }), t + 2);
        clock.advanceMillis(1);
        timer.runDue(clock.nanoTime());
        assertEquals(List.of("bad", "good"), ran);
        assertEquals(1, timer.size(), "the failing task is called again later");
    }

    @Test
    void lateWakeUpsBeyondTheThresholdAreRecordedAsStallsOfTheirWholeLength() {
        long t = clock.nanoTime();
        timer.schedule(new HeartbeatTimer.Entry((now, pause) -> HeartbeatTimer.STOP), t + MS);
        clock.advanceMillis(1 + 19); // 19 ms late: scheduling noise
        timer.runDue(clock.nanoTime());
        assertEquals(0, timer.localPauses().count());
        long due = clock.nanoTime() + MS;
        timer.schedule(new HeartbeatTimer.Entry((now, pause) -> HeartbeatTimer.STOP), due);
        clock.advanceMillis(1 + 250); // 250 ms late: our own stall
        timer.runDue(clock.nanoTime());
        assertEquals(1, timer.localPauses().count());
        assertEquals(250 * MS, timer.localPauses().stalledWithin(due - 1000 * MS, clock.nanoTime()));
    }

    @Test
    void aTaskThatWaitedBehindASlowPassIsLateByThatWaitAndSoIsAWakeUpLateAfterIt() {
        long t = clock.nanoTime();
        // A slow task: it takes 300 ms (of the fake clock) to run, while another comes due.
        timer.schedule(new HeartbeatTimer.Entry((now, pause) -> {
            clock.advanceMillis(300);
            return HeartbeatTimer.STOP;
        }), t + MS);
        List<Long> ran = new ArrayList<>();
        timer.schedule(new HeartbeatTimer.Entry((now, pause) -> {
            ran.add(now);
            return HeartbeatTimer.STOP;
        }), t + 100 * MS);
        clock.advanceMillis(1);
        timer.runDue(clock.nanoTime());
        timer.runDue(clock.nanoTime()); // at once after the pass: the second task waited 201 ms behind the first
        assertEquals(List.of(t + 301 * MS), ran);
        assertEquals(1, timer.localPauses().count());
        assertEquals(201 * MS, timer.localPauses().stalledWithin(t, clock.nanoTime()),
                "the wait is forgiven, from the task's deadline on: its peer was not silent for it");

        long due = clock.nanoTime() + 50 * MS;
        timer.schedule(new HeartbeatTimer.Entry((now, pause) -> HeartbeatTimer.STOP), due);
        clock.advanceMillis(50 + 120); // asleep until the deadline, woken 120 ms after it
        timer.runDue(clock.nanoTime());
        assertEquals((201 + 120) * MS, timer.localPauses().totalNanos());
    }

    @Test
    void theLatenessACoalescingTimerPlansIsNeverTakenForAStall() {
        HeartbeatTimer coalescing = new HeartbeatTimer(clock, "test-timer", HeartbeatTimer.COALESCE, null);
        long t = clock.nanoTime();
        coalescing.schedule(new HeartbeatTimer.Entry((now, pause) -> now + 1000 * MS), t + 10 * MS);
        // Woken the planned 4 ms late, plus 19 ms of noise: under the stall threshold once the plan is taken off.
        clock.advanceMillis(10 + 4 + 19);
        coalescing.runDue(clock.nanoTime());
        assertEquals(0, coalescing.localPauses().count());
        // Woken 30 ms past the planned wake-up: a stall of exactly those 30 ms, not 34.
        long due = clock.nanoTime() + 1000 * MS;
        clock.advance(java.time.Duration.ofNanos(due + 4 * MS + 30 * MS - clock.nanoTime()));
        coalescing.runDue(clock.nanoTime());
        assertEquals(1, coalescing.localPauses().count());
        assertEquals(30 * MS, coalescing.localPauses().totalNanos());
    }
}
