package dev.vigil;

import dev.vigil.internal.Validation;

import java.time.Duration;

/**
 * The bounds of a session that survives reconnects: how much a side keeps for replay, how long a server keeps a
 * session whose connection died, and how often a side confirms what it delivered. Immutable; build one with
 * {@link #builder()} or take {@link #defaults()}. {@code docs/sessions.md} explains when to use sessions and what they
 * guarantee; {@code docs/protocol.md}, section 5 is the wire format.
 *
 * <p><b>The replay buffer.</b> Every message sent in a session stays in its sender's replay buffer until the peer's
 * cumulative ACK says the peer delivered it. The buffer is bounded three ways: {@link #replayMessages()},
 * {@link #replayBytes()} (the encoded size) and {@link #replayAge()}. While connected, a full buffer is backpressure:
 * a send waits or fails as the manager's {@link BackpressurePolicy} says, exactly as for a full outbound queue, and
 * the session stays intact. While disconnected there is no peer to push back on, so a message that does not fit, or a
 * held message older than {@code replayAge}, <em>breaks</em> the session: the send that did not fit fails at once,
 * and the next resume is refused with {@link ResumeFailure#REPLAY_OVERFLOW}, handing back every held message the peer
 * did not deliver.
 *
 * <p><b>Memory.</b> A server holds at most {@link #maxSessions()} sessions, each with at most {@code replayBytes} of
 * replay buffer plus about 200 bytes of bookkeeping, so the worst case is their product: size the two together.
 *
 * @param replayMessages the most unacknowledged messages a side holds for one session; default 10,000
 * @param replayBytes    the most encoded bytes of unacknowledged messages a side holds for one session; default
 *                       16 MiB
 * @param replayAge      the longest a message may wait unacknowledged while the session is disconnected; default
 *                       2 minutes
 * @param linger         how long a server keeps a session after its connection died without a CLOSE frame (heartbeat
 *                       timeout, reset, FIN only), waiting for the client to resume it; default 30 s. A session whose
 *                       connection closed gracefully (a CLOSE frame either way) ends at once.
 * @param ackEvery       a side sends an ACK at the latest after delivering this many frames since its last ACK;
 *                       default 32
 * @param ackInterval    a side sends an ACK at the latest this long after the first delivery its last ACK does not
 *                       cover; default 200 ms
 * @param maxSessions    the most sessions a server holds at once, connected or lingering; a client asking for a new
 *                       session beyond it is refused with {@link CloseReason.Kind#REJECTED}; default 10,000
 */
public record SessionPolicy(int replayMessages, long replayBytes, Duration replayAge, Duration linger, int ackEvery,
                            Duration ackInterval, int maxSessions) {

    private static final SessionPolicy DEFAULTS = builder().build();

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException naming every value that is out of range, all at once
     */
    public SessionPolicy {
        Validation v = new Validation("SessionPolicy");
        v.check(replayMessages >= 1, "replayMessages", replayMessages, "at least 1");
        v.check(replayBytes >= 1, "replayBytes", replayBytes, "at least 1");
        v.positive("replayAge", replayAge);
        v.positive("linger", linger);
        v.check(ackEvery >= 1, "ackEvery", ackEvery, "at least 1");
        if (replayMessages >= 1 && ackEvery > replayMessages) {
            v.check(false, "ackEvery", ackEvery, "at most replayMessages " + replayMessages
                    + ", or a full buffer would wait for an ACK that never comes");
        }
        v.positive("ackInterval", ackInterval);
        if (ackInterval != null && replayAge != null && ackInterval.isPositive() && replayAge.isPositive()) {
            v.check(ackInterval.compareTo(replayAge) < 0, "ackInterval", ackInterval,
                    "shorter than replayAge " + replayAge);
        }
        v.check(maxSessions >= 1, "maxSessions", maxSessions, "at least 1");
        v.throwIfAny();
    }

    /** {@return the policy with every default: 10,000 messages, 16 MiB, 2 min, linger 30 s, ACK every 32 or 200 ms} */
    public static SessionPolicy defaults() {
        return DEFAULTS;
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SessionPolicy}. Not thread-safe; {@link #build()} reports every bad value at once. */
    public static final class Builder {
        private int replayMessages = 10_000;
        private long replayBytes = 16L << 20;
        private Duration replayAge = Duration.ofMinutes(2);
        private Duration linger = Duration.ofSeconds(30);
        private int ackEvery = 32;
        private Duration ackInterval = Duration.ofMillis(200);
        private int maxSessions = 10_000;

        private Builder() {
        }

        /**
         * Sets the most unacknowledged messages held for one session. Default 10,000.
         *
         * @param replayMessages at least 1 and at least {@link #ackEvery}
         * @return this builder
         */
        public Builder replayMessages(int replayMessages) {
            this.replayMessages = replayMessages;
            return this;
        }

        /**
         * Sets the most encoded bytes of unacknowledged messages held for one session. Default 16 MiB.
         *
         * @param replayBytes at least 1
         * @return this builder
         */
        public Builder replayBytes(long replayBytes) {
            this.replayBytes = replayBytes;
            return this;
        }

        /**
         * Sets the longest a message may wait unacknowledged while disconnected. Default 2 minutes.
         *
         * @param replayAge positive, longer than the ACK interval
         * @return this builder
         */
        public Builder replayAge(Duration replayAge) {
            this.replayAge = replayAge;
            return this;
        }

        /**
         * Sets how long a server keeps a session after its connection died abnormally. Default 30 s.
         *
         * @param linger positive
         * @return this builder
         */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /**
         * Sets after how many delivered frames an ACK is sent at the latest. Default 32.
         *
         * @param ackEvery at least 1, at most {@link #replayMessages}
         * @return this builder
         */
        public Builder ackEvery(int ackEvery) {
            this.ackEvery = ackEvery;
            return this;
        }

        /**
         * Sets how long after an unacknowledged delivery an ACK is sent at the latest. Default 200 ms.
         *
         * @param ackInterval positive, shorter than the replay age
         * @return this builder
         */
        public Builder ackInterval(Duration ackInterval) {
            this.ackInterval = ackInterval;
            return this;
        }

        /**
         * Sets the most sessions a server holds at once. Default 10,000.
         *
         * @param maxSessions at least 1
         * @return this builder
         */
        public Builder maxSessions(int maxSessions) {
            this.maxSessions = maxSessions;
            return this;
        }

        /**
         * {@return the policy}
         *
         * @throws IllegalArgumentException naming every value that is out of range, all at once
         */
        public SessionPolicy build() {
            return new SessionPolicy(replayMessages, replayBytes, replayAge, linger, ackEvery, ackInterval,
                    maxSessions);
        }
    }
}
