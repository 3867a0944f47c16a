package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Limits;
import org.jetbrains.annotations.Nullable;

/**
 * The per-connection limits on data: messages per second and bytes per second, each a {@link TokenBucket}, each off
 * unless configured. Over a limit, the {@linkplain Limits.RateAction action} decides: {@code THROTTLE} answers a
 * {@link Verdict.Pause} until both buckets are out of debt (the reader stops reading and TCP pushes back on the
 * peer); {@code CLOSE} answers a {@link Verdict.Close} with {@link Kind#POLICY_VIOLATION} and the numbers.
 *
 * <p>The reader calls {@link #onData} once per decoded DATA frame (a line in line mode), with the frame's size on
 * the wire. Not thread-safe: one connection's reader owns it.
 */
public final class RateGuard {
    private final @Nullable TokenBucket messages;
    private final @Nullable TokenBucket bytes;
    private final Limits.RateAction action;

    /**
     * A guard for one connection.
     *
     * @param limits the manager's limits
     * @param now    the current ticker time
     */
    public RateGuard(Limits limits, long now) {
        Limits.Rate m = limits.messageRate();
        Limits.Rate b = limits.byteRate();
        this.messages = m.isOff() ? null : new TokenBucket(m.perSecond(), m.burst(), now);
        this.bytes = b.isOff() ? null : new TokenBucket(b.perSecond(), b.burst(), now);
        this.action = limits.rateAction();
    }

    /** {@return whether any limit is on; when not, the reader need not call {@link #onData}} */
    public boolean enabled() {
        return messages != null || bytes != null;
    }

    /**
     * Counts one data frame.
     *
     * @param frameBytes its size on the wire (header included)
     * @param now        the ticker time it was decoded
     * @return {@link Verdict#CONTINUE}, a pause, or a close
     */
    public Verdict onData(long frameBytes, long now) {
        long waitMessages = messages == null ? 0 : messages.take(1, now);
        long waitBytes = bytes == null ? 0 : bytes.take(frameBytes, now);
        long wait = Math.max(waitMessages, waitBytes);
        if (wait == 0) {
            return Verdict.CONTINUE;
        }
        if (action == Limits.RateAction.THROTTLE) {
            return Verdict.pause(now + wait);
        }
        String what = waitMessages >= waitBytes && messages != null
                ? messages.describe("messages", now)
                : bytes.describe("bytes", now);
        return Verdict.close(CloseReason.local(Kind.POLICY_VIOLATION, "peer sent " + what));
    }
}
