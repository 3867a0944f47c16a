package dev.vigil.internal.guard;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;

/**
 * "Life is a complete frame": a frame (a line, in line mode) that has started must complete, or keep arriving at a
 * minimum data rate, as HTTP servers require of a request body (Kestrel's {@code MinRequestBodyDataRate}). Time is cut
 * into windows of {@code window} from the frame's first byte; a window that ends with the frame incomplete must have
 * brought at least {@code minBytesPerSecond × window} of it, or the connection is closed with
 * {@link Kind#POLICY_VIOLATION}. A frame that completes within its first window is never judged; with
 * {@code minBytesPerSecond} zero, every frame must complete within one window.
 *
 * <p>Fed by the reader once per read ({@link #afterRead}) with how many bytes of an incomplete frame are now
 * buffered, and polled by the timer ({@link #check}), so a peer that sends nothing more is judged too. Both roll the
 * windows forward to {@code now} first, so the verdict does not depend on when either runs. The error is on the
 * honest side: bytes count from when a read returned them, never earlier.
 *
 * <p>Single-writer: the reader calls {@link #afterRead}; the timer may call {@link #check} and {@link #nextCheck}
 * under the same lock the core already takes for its timer work, or the core confines both to one thread.
 */
public final class FrameProgressGuard {
    private final long window;
    private final long minBytesPerSecond;
    private final long needPerWindow;
    private boolean inFrame;
    private long frameStart;
    private long windowEnd;
    private long bytes;
    private long bytesAtWindowStart;
    private long violation = -1;
    private long violationWindowBytes;

    /**
     * A guard for one connection.
     *
     * @param windowNanos       the window, positive (a frame completing within it is never judged)
     * @param minBytesPerSecond the least rate an incomplete frame must keep; zero: it must complete in one window
     */
    public FrameProgressGuard(long windowNanos, long minBytesPerSecond) {
        if (windowNanos <= 0 || minBytesPerSecond < 0) {
            throw new IllegalArgumentException("window " + windowNanos + " ns, rate " + minBytesPerSecond);
        }
        this.window = windowNanos;
        this.minBytesPerSecond = minBytesPerSecond;
        this.needPerWindow = minBytesPerSecond == 0 ? Long.MAX_VALUE
                : (long) Math.ceil(minBytesPerSecond * (windowNanos / 1e9));
    }

    /**
     * Records what one read left in the buffer.
     *
     * @param now             when the read returned
     * @param partialBytes    bytes of an incomplete frame now buffered (0 if the buffer ends on a frame boundary)
     * @param framesCompleted how many frames this read completed
     * @return {@link Verdict#CONTINUE}, or a close if a window that ended before {@code now} fell short
     */
    public Verdict afterRead(long now, long partialBytes, long framesCompleted) {
        roll(now);
        if (violation >= 0) {
            return verdict();
        }
        if (framesCompleted > 0 || !inFrame) {
            inFrame = partialBytes > 0;
            if (inFrame) {
                frameStart = now;
                windowEnd = now + window;
                bytesAtWindowStart = 0;
            }
        }
        bytes = partialBytes;
        return Verdict.CONTINUE;
    }

    /**
     * Judges the frame in progress at {@code now}, for the timer.
     *
     * @param now the current ticker time
     * @return {@link Verdict#CONTINUE} or a close
     */
    public Verdict check(long now) {
        roll(now);
        return violation >= 0 ? verdict() : Verdict.CONTINUE;
    }

    /** {@return when {@link #check} can next find something, or {@link Long#MAX_VALUE} when no frame is in progress} */
    public long nextCheck() {
        return inFrame && violation < 0 ? windowEnd : Long.MAX_VALUE;
    }

    /** {@return whether a frame has started and not completed} */
    public boolean inFrame() {
        return inFrame;
    }

    private void roll(long now) {
        while (inFrame && violation < 0 && now >= windowEnd) {
            long brought = bytes - bytesAtWindowStart;
            if (brought < needPerWindow) {
                violation = windowEnd;
                violationWindowBytes = brought;
                return;
            }
            bytesAtWindowStart = bytes;
            windowEnd += window;
        }
    }

    private Verdict verdict() {
        String message;
        if (minBytesPerSecond == 0) {
            message = "a frame did not complete within " + Format.nanos(window) + " (" + Format.bytes(bytes)
                    + " of it arrived)";
        } else {
            message = "a frame has been arriving for " + Format.nanos(violation - frameStart) + " and the last "
                    + Format.nanos(window) + " brought " + Format.bytes(violationWindowBytes) + " of it, below the "
                    + "minimum data rate of " + Format.count(minBytesPerSecond) + " bytes/s ("
                    + Format.bytes(bytes) + " of the frame arrived in all)";
        }
        return Verdict.close(CloseReason.local(Kind.POLICY_VIOLATION, message));
    }
}
