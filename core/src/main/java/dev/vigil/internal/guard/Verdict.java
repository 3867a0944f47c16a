package dev.vigil.internal.guard;

import dev.vigil.CloseReason;

/**
 * What a guard tells the connection core to do. {@link #CONTINUE} is a shared instance, so the common case allocates
 * nothing on the read path.
 */
public sealed interface Verdict permits Verdict.Continue, Verdict.Pause, Verdict.Close {

    /** Carry on. */
    Verdict CONTINUE = new Continue();

    /** {@return a verdict to stop reading until {@code untilNanos}} */
    static Verdict pause(long untilNanos) {
        return new Pause(untilNanos);
    }

    /** {@return a verdict to close the connection for {@code reason}} */
    static Verdict close(CloseReason reason) {
        return new Close(reason);
    }

    /** Carry on; the only instance is {@link #CONTINUE}. */
    final class Continue implements Verdict {
        private Continue() {
        }

        @Override
        public String toString() {
            return "CONTINUE";
        }
    }

    /**
     * Stop reading from the socket until {@code untilNanos} (ticker time): the kernel's receive buffer fills and TCP
     * pushes back on the peer. The pause is neither silence nor life for the heartbeat: the core should not count it.
     *
     * @param untilNanos when to read again
     */
    record Pause(long untilNanos) implements Verdict {
    }

    /**
     * Close the connection with this reason (it is already worded for the log and the peer's CLOSE frame).
     *
     * @param reason the reason
     */
    record Close(CloseReason reason) implements Verdict {
    }
}
