package dev.vigil;

import dev.vigil.internal.Validation;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that protect a manager from hostile and broken peers: data rates, control-frame floods, frames that never
 * complete, peers that never read, and the memory held by frames still arriving. Immutable; one instance serves
 * every connection of a manager. Every default is chosen so that no honest peer trips it, and is stated on its
 * builder method; {@link #defaults()} is what a manager uses when it is given none.
 *
 * <p>Given to a manager with {@link ConnectionManager.Builder#limits}; see {@code docs/reliability.md} for each
 * attack and the limit that answers it.
 *
 * <pre>{@code
 * Limits limits = Limits.builder()
 *         .messageRate(Limits.Rate.perSecond(1_000))
 *         .rateAction(Limits.RateAction.CLOSE)
 *         .writeDeadline(Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 */
public final class Limits {

    private static final Limits DEFAULTS = builder().build();

    /**
     * A rate with a burst, for a token bucket: up to {@code burst} at once, refilled at {@code perSecond}.
     *
     * @param perSecond the sustained rate; 0 with {@code burst} 0 means no limit
     * @param burst     how much may come at once above the rate
     */
    public record Rate(long perSecond, long burst) {
        /** No limit. */
        public static final Rate OFF = new Rate(0, 0);

        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException unless both are 0 (off) or both are 1 to 10<sup>12</sup>
         */
        public Rate {
            Validation v = new Validation("Limits.Rate");
            boolean off = perSecond == 0 && burst == 0;
            v.check(off || perSecond >= 1 && perSecond <= 1_000_000_000_000L, "perSecond", perSecond,
                    "1 to 1000000000000, or 0 with burst 0 for no limit");
            v.check(off || burst >= 1 && burst <= 1_000_000_000_000L, "burst", burst,
                    "1 to 1000000000000, or 0 with perSecond 0 for no limit");
            v.throwIfAny();
        }

        /**
         * {@return a rate whose burst is one second's worth}
         *
         * @param perSecond the rate, 1 or more
         */
        public static Rate perSecond(long perSecond) {
            return new Rate(perSecond, perSecond);
        }

        /**
         * {@return a rate with a burst}
         *
         * @param perSecond the rate, 1 or more
         * @param burst     the burst, 1 or more
         */
        public static Rate of(long perSecond, long burst) {
            return new Rate(perSecond, burst);
        }

        /** {@return whether this is no limit} */
        public boolean isOff() {
            return perSecond == 0;
        }

        @Override
        public String toString() {
            return isOff() ? "off" : perSecond + "/s (burst " + burst + ")";
        }
    }

    /** What happens to a connection over its {@linkplain #messageRate() message} or {@linkplain #byteRate() byte} rate. */
    public enum RateAction {
        /**
         * Stop reading from it until it is back within the rate: its bytes wait in the kernel, TCP's flow control
         * slows the peer down, and the connection stays open. The pause does not count as the peer's silence.
         */
        THROTTLE,
        /** Close it with {@link CloseReason.Kind#POLICY_VIOLATION}; the reason says how much it sent in how long. */
        CLOSE
    }

    private final Rate messageRate;
    private final Rate byteRate;
    private final RateAction rateAction;
    private final Rate controlFrameRate;
    private final Duration frameDeadline;
    private final long minFrameDataRate;
    private final Duration writeDeadline;
    private final long partialFrameBudget;

    private Limits(Builder b, long partialFrameBudget) {
        this.messageRate = b.messageRate;
        this.byteRate = b.byteRate;
        this.rateAction = b.rateAction;
        this.controlFrameRate = b.controlFrameRate;
        this.frameDeadline = b.frameDeadline;
        this.minFrameDataRate = b.minFrameDataRate;
        this.writeDeadline = b.writeDeadline;
        this.partialFrameBudget = partialFrameBudget;
    }

    /** {@return the limits a manager has when it is given none; see each builder method for its default} */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the data messages per second one connection may send; see {@link Builder#messageRate}} */
    public Rate messageRate() {
        return messageRate;
    }

    /** {@return the data bytes per second one connection may send; see {@link Builder#byteRate}} */
    public Rate byteRate() {
        return byteRate;
    }

    /** {@return what happens over the message or byte rate; see {@link Builder#rateAction}} */
    public RateAction rateAction() {
        return rateAction;
    }

    /** {@return the control frames per second one connection may send; see {@link Builder#controlFrameRate}} */
    public Rate controlFrameRate() {
        return controlFrameRate;
    }

    /** {@return how long a frame may take before its data rate is judged; see {@link Builder#frameDeadline}} */
    public Duration frameDeadline() {
        return frameDeadline;
    }

    /** {@return the least rate, in bytes per second, of a frame still arriving; see {@link Builder#minFrameDataRate}} */
    public long minFrameDataRate() {
        return minFrameDataRate;
    }

    /** {@return how long writes may make no progress; see {@link Builder#writeDeadline}} */
    public Duration writeDeadline() {
        return writeDeadline;
    }

    /** {@return the bytes all partial frames of a manager may hold together; see {@link Builder#partialFrameBudget}} */
    public long partialFrameBudget() {
        return partialFrameBudget;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limits l && messageRate.equals(l.messageRate) && byteRate.equals(l.byteRate)
                && rateAction == l.rateAction && controlFrameRate.equals(l.controlFrameRate)
                && frameDeadline.equals(l.frameDeadline) && minFrameDataRate == l.minFrameDataRate
                && writeDeadline.equals(l.writeDeadline) && partialFrameBudget == l.partialFrameBudget;
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageRate, byteRate, rateAction, controlFrameRate, frameDeadline, minFrameDataRate,
                writeDeadline, partialFrameBudget);
    }

    @Override
    public String toString() {
        return "Limits[messageRate=" + messageRate + ", byteRate=" + byteRate + ", rateAction=" + rateAction
                + ", controlFrameRate=" + controlFrameRate + ", frameDeadline=" + frameDeadline
                + ", minFrameDataRate=" + minFrameDataRate + "B/s, writeDeadline=" + writeDeadline
                + ", partialFrameBudget=" + partialFrameBudget + "B]";
    }

    /** Builds {@link Limits}. Not thread-safe; {@link #build()} checks every value and reports all that are wrong. */
    public static final class Builder {
        private Rate messageRate = Rate.OFF;
        private Rate byteRate = Rate.OFF;
        private RateAction rateAction = RateAction.THROTTLE;
        private Rate controlFrameRate = Rate.of(1_000, 1_000);
        private Duration frameDeadline = Duration.ofSeconds(10);
        private long minFrameDataRate = 256;
        private Duration writeDeadline = Duration.ofSeconds(30);
        private long partialFrameBudget = -1;

        private Builder() {
        }

        /**
         * Sets how many data messages (frames; lines in line mode) per second one connection may send. Default
         * {@link Rate#OFF}: data rates depend on the application, so only it can choose one.
         *
         * @param messageRate the rate, or {@link Rate#OFF}
         * @return this builder
         */
        public Builder messageRate(Rate messageRate) {
            this.messageRate = messageRate;
            return this;
        }

        /**
         * Sets how many bytes of data frames (header included) per second one connection may send. Default
         * {@link Rate#OFF}. A single frame larger than the burst is allowed under {@link RateAction#THROTTLE} (it
         * costs a longer pause) but closes the connection under {@link RateAction#CLOSE}, so give a burst of at
         * least the maximum frame size.
         *
         * @param byteRate the rate, or {@link Rate#OFF}
         * @return this builder
         */
        public Builder byteRate(Rate byteRate) {
            this.byteRate = byteRate;
            return this;
        }

        /**
         * Sets what happens to a connection over its message or byte rate. Default {@link RateAction#THROTTLE}: it
         * slows a greedy but honest peer down without losing its connection.
         *
         * @param rateAction the action
         * @return this builder
         */
        public Builder rateAction(RateAction rateAction) {
            this.rateAction = rateAction;
            return this;
        }

        /**
         * Sets how many control frames (PING, PONG and CLOSE, or PING and PONG lines) per second one connection may
         * send; over it, the connection is closed with {@link CloseReason.Kind#POLICY_VIOLATION}. Every kind counts,
         * PONGs included: an unsolicited PONG is a sign of life, a million of them is a flood. This is on top of the
         * PING-interval rule ({@link ConnectionManager.Builder#minPeerPingInterval}). Default 1,000 per second,
         * burst 1,000: ten times what an honest peer can send, which is at most one PING per
         * {@code minPeerPingInterval} (10 ms by default) plus one PONG per PING of ours.
         *
         * @param controlFrameRate the rate, or {@link Rate#OFF}
         * @return this builder
         */
        public Builder controlFrameRate(Rate controlFrameRate) {
            this.controlFrameRate = controlFrameRate;
            return this;
        }

        /**
         * Sets how long a frame (a line, in line mode) may take to arrive before its data rate is judged. A frame
         * still incomplete at the end of this time, and of each further period of it, must have brought at least
         * {@link #minFrameDataRate} times the period in that period, or the connection is closed with
         * {@link CloseReason.Kind#POLICY_VIOLATION}: a peer dripping bytes is not alive. Default 10 s: a frame that
         * completes within 10 s is never judged, whatever its size and the link. {@link Duration#ZERO} turns the
         * rule off.
         *
         * @param frameDeadline zero (off) or positive
         * @return this builder
         */
        public Builder frameDeadline(Duration frameDeadline) {
            this.frameDeadline = frameDeadline;
            return this;
        }

        /**
         * Sets the least data rate, in bytes per second, of a frame that has been arriving for longer than the
         * {@linkplain #frameDeadline frame deadline}. Default 256 bytes/s (2 kbit/s), the order of HTTP servers'
         * minimum request data rate (Kestrel: 240 bytes/s): below what any link that carries TCP usefully delivers,
         * so only a peer that withholds its bytes trips it. Zero: every frame must complete within the deadline.
         *
         * @param minFrameDataRate bytes per second, zero or more
         * @return this builder
         */
        public Builder minFrameDataRate(long minFrameDataRate) {
            this.minFrameDataRate = minFrameDataRate;
            return this;
        }

        /**
         * Sets how long a connection's writes may make no progress, with bytes waiting, before it is closed with
         * {@link CloseReason.Kind#SLOW_CONSUMER}, whatever it sends (NATS's write deadline). No thread is held by
         * such a peer for longer than this. Default 30 s: far longer than an honest peer's receive window takes to
         * drain on any link, and than a TCP retransmission backoff. {@link Duration#ZERO} turns it off.
         *
         * @param writeDeadline zero (off) or positive
         * @return this builder
         */
        public Builder writeDeadline(Duration writeDeadline) {
            this.writeDeadline = writeDeadline;
            return this;
        }

        /**
         * Sets how many bytes all the frames still arriving on one manager's connections may hold together. Memory
         * is counted as bytes arrive, never as a header declares. Past the budget, the connections holding the most
         * are closed with {@link CloseReason.Kind#POLICY_VIOLATION} and a reason that says so, until the rest fit;
         * the server keeps serving. Default: a quarter of the JVM's maximum heap ({@link Runtime#maxMemory()}) when
         * {@link #build()} runs, so an attack cannot take the heap while honest large frames still fit.
         *
         * @param partialFrameBudget bytes, at least 65536
         * @return this builder
         */
        public Builder partialFrameBudget(long partialFrameBudget) {
            this.partialFrameBudget = partialFrameBudget;
            return this;
        }

        /**
         * {@return the limits}
         *
         * @throws IllegalArgumentException listing every value that is out of range
         */
        public Limits build() {
            Validation v = new Validation("Limits");
            v.notNull("messageRate", messageRate);
            v.notNull("byteRate", byteRate);
            v.notNull("rateAction", rateAction);
            v.notNull("controlFrameRate", controlFrameRate);
            v.notNegative("frameDeadline", frameDeadline);
            v.check(minFrameDataRate >= 0, "minFrameDataRate", minFrameDataRate, "zero or more bytes per second");
            v.notNegative("writeDeadline", writeDeadline);
            v.check(partialFrameBudget == -1 || partialFrameBudget >= 65536, "partialFrameBudget",
                    partialFrameBudget, "at least 65536 bytes");
            v.throwIfAny();
            return new Limits(this, partialFrameBudget == -1
                    ? Math.max(65536, Runtime.getRuntime().maxMemory() / 4) : partialFrameBudget);
        }
    }
}
