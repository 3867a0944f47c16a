package dev.vigil.internal.io;

import dev.vigil.internal.conn.Clock;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A socket input that spins before it blocks ({@link dev.vigil.ConnectionManager.Builder#readSpin}): a read first
 * polls for waiting bytes, with {@link Thread#onSpinWait()} between polls, for up to the spin duration, and only
 * then makes the blocking read. When the peer answers within the spin, the read finds its bytes at once and the
 * reader virtual thread never parks, so the poller's wake-up and the scheduler's hand-over are saved on the latency
 * path. The price is a carrier thread kept busy while it spins; every eighth poll {@link Thread#yield() yields} so
 * that other virtual threads queued on the same carrier still run (the spin, then yield, then park of Aeron's
 * {@code BackoffIdleStrategy}).
 *
 * <p>Bytes waiting are asked of {@code probe}, the TCP socket's own input, as well as of the input read: with TLS
 * the encrypted bytes show there before any is decrypted. The end of the stream shows as no bytes: a FIN is seen
 * by the blocking read after the spin. Closing the socket while a read spins makes the next poll throw, which ends
 * the read as a blocking read would end.
 */
final class SpinningInput extends FilterInputStream {
    private static final int POLLS_PER_YIELD = 8;

    private final InputStream probe;
    private final long spinNanos;
    private final Clock clock;

    /**
     * Wraps {@code in}.
     *
     * @param in        the input read
     * @param probe     the input asked for waiting bytes besides {@code in} (the same one without TLS)
     * @param spinNanos how long a read spins before it blocks, more than zero
     * @param clock     the time the spin is measured on: real time, as the spin burns real time
     */
    SpinningInput(InputStream in, InputStream probe, long spinNanos, Clock clock) {
        super(in);
        if (spinNanos <= 0) {
            throw new IllegalArgumentException("spinNanos: " + spinNanos + " (expected: more than zero)");
        }
        this.probe = probe;
        this.spinNanos = spinNanos;
        this.clock = clock;
    }

    /**
     * {@return {@code in} itself when {@code spinNanos} is zero (spinning is off), else {@code in} spinning}
     *
     * @param in        the input read
     * @param probe     the input asked for waiting bytes besides {@code in}
     * @param spinNanos zero or more
     */
    static InputStream wrap(InputStream in, InputStream probe, long spinNanos) {
        // Real time, not the manager's ticker: a test's fake ticker never moves, and the spin would never end.
        return spinNanos == 0 ? in : new SpinningInput(in, probe, spinNanos, System::nanoTime);
    }

    @Override
    public int read() throws IOException {
        spin();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len > 0) {
            spin();
        }
        return in.read(b, off, len);
    }

    /** Polls until bytes wait or the spin is over; then the caller's read returns at once or blocks. */
    private void spin() throws IOException {
        long start = clock.nanoTime();
        for (int polls = 1; !waiting(); polls++) {
            if (clock.nanoTime() - start >= spinNanos) {
                return;
            }
            if (polls % POLLS_PER_YIELD == 0) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private boolean waiting() throws IOException {
        return in.available() > 0 || (probe != in && probe.available() > 0);
    }
}
