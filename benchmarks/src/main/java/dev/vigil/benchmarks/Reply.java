package dev.vigil.benchmarks;

import dev.vigil.benchmarks.transport.EchoTransport.Client;
import dev.vigil.benchmarks.transport.EchoTransport.EchoListener;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets one thread send a request and park until its echo arrives on the implementation's I/O thread, which unparks
 * it: the same hand-off for every implementation.
 */
final class Reply implements EchoListener {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private volatile long received;
    private volatile Thread waiter;
    private long expected;

    @Override
    public void onEcho(Client client, int payloadLength) {
        received++; // one writer: the connection's I/O thread
        LockSupport.unpark(waiter);
    }

    /**
     * Sends one message and waits for its echo. Called by one thread at a time.
     *
     * @param client  the connection whose listener this is
     * @param message the payload
     * @throws TimeoutException if no echo came within 10 s
     */
    void roundTrip(Client client, byte[] message) throws TimeoutException {
        waiter = Thread.currentThread();
        expected++;
        client.send(message);
        client.flush();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received < expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("no echo within " + TIMEOUT);
            }
            LockSupport.parkNanos(this, left);
        }
    }
}
