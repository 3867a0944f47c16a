package dev.vigil;

/**
 * What {@link Connection#send} does when the connection's outbound queue is full, that is when the peer reads more
 * slowly than we send. Set with {@link ConnectionManager.Builder#backpressure}.
 */
public enum BackpressurePolicy {
    /**
     * The sending thread waits until the queue has room or the connection closes. Cheap on a virtual thread. The
     * default. {@link ConnectionManager#broadcast} never blocks: under this policy a full queue fails that one send.
     * Nor does a send made on a Vigil thread (a listener callback) to a <em>different</em> connection: it acts as
     * {@link #FAIL}, so one peer that stops reading cannot stall the connections whose callbacks send to it (a chat
     * room); its own writes then hit the {@linkplain Limits.Builder#writeDeadline write deadline}. A reply on the
     * connection's own thread does wait. See {@code docs/threading.md}.
     */
    BLOCK,
    /** The send fails at once with a {@link java.util.concurrent.RejectedExecutionException}; the connection stays open. */
    FAIL,
    /** The connection is closed with {@link CloseReason.Kind#SLOW_CONSUMER}; the send fails with that reason. */
    CLOSE
}
