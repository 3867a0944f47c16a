package dev.vigil.internal.guard;

/**
 * How far a read buffer grows for a frame that does not fit: with the bytes received, never to the size a header
 * declares. A peer that declares 1 MiB and sends one byte costs {@link #DEFAULT_MIN_STEP} (64 KiB), not 1 MiB; the
 * buffer then grows only as more of the frame arrives.
 *
 * <p>The rule: the new capacity is what is buffered plus a step, never more than the frame needs, never less than the
 * capacity already there. The step is half of what is buffered (so copying stays amortised linear: under 3 bytes
 * copied per byte received for frames up to {@code 2 × maxStep}), at least {@code minStep} (so small frames fit in one
 * step) and at most {@code maxStep} (so memory beyond what arrived stays bounded). Memory held for a frame is
 * therefore at most {@code min(1.5 × received, received + maxStep)} plus {@code minStep}. With the defaults a 1 MiB
 * frame grows 8 times, a 1 GiB frame (the largest allowed) 34 times with about 9 bytes copied per byte.
 *
 * <p>Pure and stateless. The reader calls {@link #capacityFor} whenever the frame it is decoding does not fit.
 */
public final class ReadBufferSizer {
    /** The default least step: 64 KiB, today's largest adaptive read buffer. */
    public static final int DEFAULT_MIN_STEP = 64 * 1024;
    /** The default largest step: 64 MiB, so what a frame holds beyond what arrived stays under 64 MiB + 64 KiB. */
    public static final int DEFAULT_MAX_STEP = 64 * 1024 * 1024;

    private final int minStep;
    private final int maxStep;

    /** A sizer with {@link #DEFAULT_MIN_STEP} and {@link #DEFAULT_MAX_STEP}. */
    public ReadBufferSizer() {
        this(DEFAULT_MIN_STEP, DEFAULT_MAX_STEP);
    }

    /**
     * A sizer with the given steps.
     *
     * @param minStep the least growth, positive
     * @param maxStep the largest growth, at least {@code minStep}
     */
    public ReadBufferSizer(int minStep, int maxStep) {
        if (minStep <= 0 || maxStep < minStep) {
            throw new IllegalArgumentException("minStep " + minStep + ", maxStep " + maxStep);
        }
        this.minStep = minStep;
        this.maxStep = maxStep;
    }

    /**
     * {@return the capacity to give the buffer, at least {@code capacity}}
     *
     * @param capacity the buffer's capacity now
     * @param buffered bytes of the frame already in it (from the frame's first byte, header included)
     * @param needed   the whole frame's size (header included) as declared; only an upper bound, never a target
     */
    public int capacityFor(int capacity, int buffered, long needed) {
        if (needed <= capacity) {
            return capacity;
        }
        long step = Math.clamp(buffered / 2L, minStep, maxStep);
        long grown = Math.min(needed, (long) buffered + step);
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity, grown));
    }
}
