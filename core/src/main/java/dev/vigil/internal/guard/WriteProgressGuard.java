package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;

/**
 * The write deadline (NATS's {@code write_deadline}): when a connection has bytes waiting to be written and none of
 * them has been written for {@code deadline}, it is a {@link Kind#SLOW_CONSUMER}, whatever it sends us. A pure
 * decision on the timer's clock: the writer only keeps two counters (bytes handed to it, bytes the socket took), the
 * timer passes them in, and on a close verdict the core closes the socket, which is the one thing that unblocks a
 * {@code write} stuck on a full socket.
 *
 * <p>Progress is noticed when {@link #check} sees the counter move, so the verdict is never early and at most one
 * check period late ({@link #nextCheck} keeps that period at an eighth of the deadline). For progress to be visible while a large batch is written, the writer should write in chunks
 * (64 KiB) and count after each.
 *
 * <p>Not thread-safe: the timer owns it.
 */
public final class WriteProgressGuard {
    private final long deadline;
    private long lastWritten;
    private long stalledSince;
    private boolean stalled;

    /**
     * A guard for one connection.
     *
     * @param deadlineNanos how long writes may make no progress, positive
     */
    public WriteProgressGuard(long deadlineNanos) {
        if (deadlineNanos <= 0) {
            throw new IllegalArgumentException("deadline " + deadlineNanos + " ns");
        }
        this.deadline = deadlineNanos;
    }

    /**
     * Judges the writes at {@code now}.
     *
     * @param now          the current ticker time
     * @param bytesWritten bytes the socket has taken so far (monotonic)
     * @param bytesWaiting bytes queued or inside a write that has not returned
     * @return {@link Verdict#CONTINUE}, or a close with {@link Kind#SLOW_CONSUMER}
     */
    public Verdict check(long now, long bytesWritten, long bytesWaiting) {
        if (bytesWaiting <= 0 || bytesWritten != lastWritten) {
            lastWritten = bytesWritten;
            stalled = false;
            return Verdict.CONTINUE;
        }
        if (!stalled) {
            stalled = true;
            stalledSince = now;
            return Verdict.CONTINUE;
        }
        if (now - stalledSince < deadline) {
            return Verdict.CONTINUE;
        }
        return Verdict.close(CloseReason.local(Kind.SLOW_CONSUMER, "peer read nothing for "
                + Format.nanos(now - stalledSince) + " (write deadline " + Format.nanos(deadline) + "); "
                + Format.bytes(bytesWaiting) + " waiting to be written, " + Format.bytes(bytesWritten)
                + " written before it stopped reading"));
    }

    /**
     * {@return when {@link #check} should next run: the end of a stall's deadline, else an eighth of the deadline
     * from {@code now}, so a stall is noticed, and closed, within {@code deadline × 1.125} of its start}
     *
     * @param now the current ticker time
     */
    public long nextCheck(long now) {
        return stalled ? stalledSince + deadline : now + Math.max(1, deadline / 8);
    }
}
