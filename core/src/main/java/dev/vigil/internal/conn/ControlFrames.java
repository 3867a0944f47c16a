package dev.vigil.internal.conn;

import dev.vigil.internal.wire.Framing;
import dev.vigil.internal.wire.OutBuffer;

import java.util.Arrays;

/**
 * The control frames a connection owes and has not yet written: PONGs, in the order their PINGs came, and at most
 * one PING of ours. The writer encodes them ahead of any queued data. Not thread-safe: the connection's outbound lock
 * guards it.
 */
final class ControlFrames {
    private final Framing framing;
    private final Clock clock;
    private final Pings pings;
    /** The first PONG owed, in a field: an honest peer has one PING unanswered at a time, so no array is kept. */
    private long firstPong;
    /** The PONGs owed after the first, for a peer that sent several PINGs before we wrote. */
    private long[] morePongs = NO_PONGS;
    private int pongCount;
    private static final long[] NO_PONGS = new long[0];
    private boolean pingRequested;
    /** The writer's byte count when our last PING was encoded: everything before it is read once it is answered. */
    private long pingAtBytes;

    /**
     * The most bytes the timer's PING may find unread by the peer: far below any TCP send buffer a kernel gives by
     * default (16 KiB on Linux, more elsewhere), so the kernel takes the PING without blocking the timer.
     */
    static final int TIMER_WRITE_BUDGET = 512;

    ControlFrames(Framing framing, Clock clock, Pings pings) {
        this.framing = framing;
        this.clock = clock;
        this.pings = pings;
    }

    void pong(long nonce) {
        if (pongCount == 0) {
            firstPong = nonce;
        } else {
            if (pongCount - 1 == morePongs.length) {
                morePongs = Arrays.copyOf(morePongs, Math.max(2, morePongs.length * 2));
            }
            morePongs[pongCount - 1] = nonce;
        }
        pongCount++;
    }

    void ping() {
        pingRequested = true;
    }

    boolean owed() {
        return pongCount > 0 || pingRequested;
    }

    /**
     * Whether the timer may write a PING itself: our last PING is answered (or none was sent), which proves the
     * peer's application read every byte written before it, since TCP delivers in order; and at most
     * {@value #TIMER_WRITE_BUDGET} bytes went out since. Those, and the PING's few dozen bytes, are all the socket's send buffer can
     * hold, so the write cannot wait for space. A dead or deaf peer leaves its PING unanswered: from then on a writer
     * thread writes the PINGs (and may block), not the timer.
     */
    boolean timerMayWrite(long bytesOut) {
        return !pings.outstanding() && bytesOut - pingAtBytes <= TIMER_WRITE_BUDGET;
    }

    /**
     * Encodes the PONGs owed, then a requested PING (its nonce is its send time); returns how many frames.
     * {@code bytesOut} is the writer's byte count before this batch.
     */
    int encode(OutBuffer out, long bytesOut) {
        int frames = pongCount;
        if (pongCount > 0) {
            framing.encodePong(out, firstPong);
            for (int i = 0; i < pongCount - 1; i++) {
                framing.encodePong(out, morePongs[i]);
            }
        }
        pongCount = 0;
        if (pingRequested) {
            pingRequested = false;
            long nonce = clock.nanoTime();
            pingAtBytes = bytesOut;
            framing.encodePing(out, nonce);
            pings.sent(nonce);
            frames++;
        }
        return frames;
    }
}
