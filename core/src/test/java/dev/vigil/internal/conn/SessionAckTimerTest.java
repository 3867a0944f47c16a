package dev.vigil.internal.conn;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ACK deadline against the timer's wake-ups, on a fake clock (nanosecond readings chosen by the test). */
class SessionAckTimerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long NONE = Long.MAX_VALUE;
    private static final long ACK_INTERVAL = 200 * MS;
    private static final long HEARTBEAT = 1_000 * MS;

    private final SessionAckTimer timer = new SessionAckTimer();

    @Test
    void aDeliveryBeforeTheNextWakeUpMovesTheTimerToItsAckInterval() {
        long now = 5_000 * MS;
        assertEquals(now + HEARTBEAT, timer.fired(now + HEARTBEAT, () -> NONE));

        assertTrue(timer.arm(now + 10 * MS + ACK_INTERVAL), "the ACK falls due before the heartbeat's wake-up");
        assertFalse(timer.arm(now + 10 * MS + ACK_INTERVAL), "the timer is there already");
    }

    @Test
    void aDeliveryBeforeTheTimersFirstRunLeavesThatRunWhereTheOpenPutIt() {
        long opened = 5_000 * MS;
        // The open scheduled the first run at `opened`; DATA in the same read as the SESSION answer is delivered first.
        assertFalse(timer.arm(opened + ACK_INTERVAL), "moving the timer would put its first run off by 200 ms");
        assertEquals(opened + ACK_INTERVAL, timer.fired(opened + HEARTBEAT, () -> opened + ACK_INTERVAL),
                "the first run returns the ACK deadline");
    }

    @Test
    void aDeliveryAfterTheNextWakeUpLeavesTheTimerToPickItUp() {
        long now = 5_000 * MS;
        timer.fired(now + 100 * MS, () -> NONE);

        assertFalse(timer.arm(now + ACK_INTERVAL));
        assertEquals(now + ACK_INTERVAL, timer.fired(now + 100 * MS + HEARTBEAT, () -> now + ACK_INTERVAL),
                "the wake-up before it returns the ACK deadline");
    }

    @Test
    void aDeliveryWhileTheTimerReadsTheAckDeadlineStillGetsItsAckAtTheInterval() {
        long now = 5_000 * MS;
        timer.fired(now, () -> NONE); // the timer's wake-up at now; it fires at now
        boolean[] moved = new boolean[1];
        // The reader delivers a frame just after the timer read the ACK deadline (none was owed yet).
        long next = timer.fired(now + HEARTBEAT, () -> {
            moved[0] = timer.arm(now + ACK_INTERVAL);
            return NONE;
        });

        assertEquals(now + HEARTBEAT, next);
        assertTrue(moved[0], "the delivery moves the timer to its ACK deadline, 200 ms away, not the next beat 1 s "
                + "away (the timer keeps the earlier deadline)");
    }
}
