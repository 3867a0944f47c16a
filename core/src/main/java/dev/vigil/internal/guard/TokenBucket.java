package dev.vigil.internal.guard;

/**
 * A token bucket on the caller's clock: it holds up to {@code burst} tokens and refills at {@code perSecond}. Taking
 * more than it holds is allowed and leaves it in debt; {@link #take} says how long until the debt is paid, which is
 * how long a throttled reader should stop. A cost above the burst is therefore possible (one large frame) and simply
 * costs a longer pause.
 *
 * <p>It also remembers how much was taken since it was last full, so a close reason can say what the peer actually
 * did ("12,000 messages in 1.0s"), not only what the limit is.
 *
 * <p>Not thread-safe: one connection's reader owns it.
 */
public final class TokenBucket {
    private final long perSecond;
    private final long burst;
    private final double perNano;
    private double level;
    private long updated;
    private long takenSinceFull;
    private long busySince;

    /**
     * A full bucket.
     *
     * @param perSecond refill rate, at least 1
     * @param burst     capacity, at least 1
     * @param now       the current ticker time
     */
    public TokenBucket(long perSecond, long burst, long now) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("perSecond " + perSecond + " and burst " + burst + " must be at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.level = burst;
        this.updated = now;
        this.busySince = now;
    }

    /**
     * Takes {@code cost} tokens.
     *
     * @param cost how many, zero or more
     * @param now  the current ticker time; never earlier than a previous call's
     * @return 0 if the bucket covered it, else how many nanoseconds until it is out of debt (at least 1)
     */
    public long take(long cost, long now) {
        refill(now);
        if (takenSinceFull == 0) {
            busySince = now;
        }
        level -= cost;
        takenSinceFull += cost;
        if (level >= 0) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil(-level / perNano));
    }

    private void refill(long now) {
        long elapsed = now - updated;
        if (elapsed > 0) {
            level = Math.min(burst, level + elapsed * perNano);
            updated = now;
        }
        if (level >= burst) {
            takenSinceFull = 0;
        }
    }

    /** {@return the tokens held at {@code now} (negative when in debt)} */
    public double level(long now) {
        refill(now);
        return level;
    }

    /** {@return what was taken since the bucket was last full} */
    public long takenSinceFull() {
        return takenSinceFull;
    }

    /** {@return when the bucket last started to be drained from full} */
    public long busySince() {
        return busySince;
    }

    /** {@return the refill rate} */
    public long perSecond() {
        return perSecond;
    }

    /** {@return the capacity} */
    public long burst() {
        return burst;
    }

    /** {@return "12,000 messages in 1.0s, over the limit of 1,000 per second (burst 2,000)"} */
    String describe(String unit, long now) {
        return Format.count(takenSinceFull) + " " + unit + " in " + Format.nanos(now - busySince)
                + ", over the limit of " + Format.count(perSecond) + " per second (burst " + Format.count(burst) + ")";
    }
}
