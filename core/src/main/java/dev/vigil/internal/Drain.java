package dev.vigil.internal;

import dev.vigil.internal.io.SocketConnection;
import dev.vigil.internal.wire.Redirect;
import org.jetbrains.annotations.Nullable;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A drain's closes, spread evenly over its window: connection {@code i} of {@code n} gets its {@code SHUTDOWN} CLOSE
 * at {@code start + window × i / (n − 1)}, so the first goes at once and the last at the end of the window. Evenly,
 * not at random: the other nodes then take the reconnects at the lowest steady rate the window allows
 * ({@code (n − 1) / window}), where random instants would bunch some of them together; the clients' own jittered
 * reconnect delay already keeps two draining nodes from lining up. The schedule is a pure function of its arguments.
 */
final class Drain {
    private Drain() {
    }

    /** {@return when connection {@code index} of {@code count} is due for its CLOSE, on the ticker's time line} */
    static long closeAt(long start, long windowNanos, int index, int count) {
        if (count <= 1) {
            return start;
        }
        // index / (count - 1) of the window, without overflow for windows up to days and counts up to millions
        return start + (long) ((double) windowNanos * index / (count - 1));
    }

    /** {@return the reason a drained connection's CLOSE carries: a sentence, and the suggestion if there is one} */
    static String reason(boolean client, @Nullable InetSocketAddress elsewhere) {
        String text = "the " + (client ? "client" : "server") + " is draining: reconnect"
                + (elsewhere == null ? "" : " to " + elsewhere.getHostString() + ":" + elsewhere.getPort());
        return elsewhere == null ? text : Redirect.append(text, elsewhere);
    }

    /**
     * Closes the connections at their instants; returns once the last CLOSE has been begun. A connection that has
     * ended meanwhile is skipped, without moving the others' instants.
     *
     * @throws InterruptedException if interrupted while waiting for the next instant; the rest are closed at once
     */
    static <M> void closeSpread(List<SocketConnection<M>> connections, long windowNanos,
                                @Nullable InetSocketAddress elsewhere, Ticker ticker) throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        Condition never = lock.newCondition(); // nothing signals it: the waits are pacing, on the ticker's time
        long start = ticker.nanoTime();
        int count = connections.size();
        int i = 0;
        try {
            for (; i < count; i++) {
                long due = closeAt(start, windowNanos, i, count);
                lock.lock();
                try {
                    long left;
                    while ((left = due - ticker.nanoTime()) > 0) {
                        ticker.awaitNanos(never, left);
                    }
                } finally {
                    lock.unlock();
                }
                SocketConnection<M> connection = connections.get(i);
                connection.shutdown(reason(connection.isClient(), elsewhere));
            }
        } finally {
            for (; i < count; i++) { // interrupted: nothing is left open for the grace to miss
                SocketConnection<M> connection = connections.get(i);
                connection.shutdown(reason(connection.isClient(), elsewhere));
            }
        }
    }
}
