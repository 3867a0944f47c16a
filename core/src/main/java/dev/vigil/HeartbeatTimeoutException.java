package dev.vigil;

import java.io.Serial;
import java.time.Duration;
import java.util.Objects;

/**
 * The numbers behind a heartbeat timeout: the {@linkplain CloseReason#cause() cause} of every
 * {@link CloseReason.Kind#HEARTBEAT_TIMEOUT} close this side decides, so that a listener or a
 * {@link MetricsObserver#closed metrics observer} can record them without parsing the message:
 * <pre>{@code
 * if (reason.cause() instanceof HeartbeatTimeoutException t) {
 *     detectionTimer.record(t.silence());
 *     ownStalls.record(t.localStall());
 * }
 * }</pre>
 *
 * <p>{@link #localStall()} is the part of the silence during which this JVM itself was measurably stalled (a long GC
 * pause, a suspended or overloaded machine: see {@code docs/heartbeats.md}); it was not counted against the peer, so
 * {@code silence() - localStall()} reached {@code timeout()}. It carries no stack trace: it is a report, not a fault
 * of the code.
 */
public final class HeartbeatTimeoutException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The whole silence, in nanoseconds. */
    private final long silenceNanos;
    /** The silence at which the peer was dead, in nanoseconds. */
    private final long timeoutNanos;
    /** The part of the silence this JVM stalled, in nanoseconds. */
    private final long localStallNanos;

    /**
     * Makes the exception.
     *
     * @param message    the close reason's message
     * @param silence    how long the peer was silent, in all
     * @param timeout    the silence at which the policy declared it dead, as it stood then
     * @param localStall how much of the silence this JVM measurably stalled (not counted against the peer)
     */
    public HeartbeatTimeoutException(String message, Duration silence, Duration timeout, Duration localStall) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.silenceNanos = silence.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.localStallNanos = localStall.toNanos();
    }

    /** {@return how long the peer was silent when it was declared dead, this JVM's own stalls included} */
    public Duration silence() {
        return Duration.ofNanos(silenceNanos);
    }

    /** {@return the silence, not counting this JVM's stalls, at which the policy declares the peer dead} */
    public Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    /** {@return how much of the silence this JVM itself measurably stalled; zero when it did not} */
    public Duration localStall() {
        return Duration.ofNanos(localStallNanos);
    }
}
