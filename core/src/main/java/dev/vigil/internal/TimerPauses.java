package dev.vigil.internal;

import dev.vigil.internal.conn.Pauses;

/** The heartbeat timer's record of this JVM's last pause, as the core asks for it. */
final class TimerPauses {
    private TimerPauses() {
    }

    /** The pause that ended at {@code pauseEnd} covers everything before it ({@link Long#MIN_VALUE}: none yet). */
    static Pauses endingAt(long pauseEnd) {
        if (pauseEnd == Long.MIN_VALUE) {
            return Pauses.NONE;
        }
        return (from, to) -> pauseEnd - from <= 0 ? 0 : Math.min(pauseEnd, to) - from;
    }
}
