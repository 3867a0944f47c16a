package dev.vigil;

/**
 * What {@link Connection#send} does when the connection's outbound queue is full, that is when the peer reads more
 * slowly than we send. Set with {@link ConnectionManager.Builder#backpressure}.
 */
public enum BackpressurePolicy {
    /**
     * The sending thread waits until the queue has room or the connection closes. Cheap on a virtual thread. The
     * default. {@link ConnectionManager#broadcast} never blocks: under this policy a full queue fails that one send.
     */
    BLOCK,
    /** The send fails at once with a {@link java.util.concurrent.RejectedExecutionException}; the connection stays open. */
    FAIL,
    /** The connection is closed with {@link CloseReason.Kind#SLOW_CONSUMER}; the send fails with that reason. */
    CLOSE
}
