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
    private long[] pongs = new long[0];
    private int pongCount;
    private boolean pingRequested;

    ControlFrames(Framing framing, Clock clock, Pings pings) {
        this.framing = framing;
        this.clock = clock;
        this.pings = pings;
    }

    void pong(long nonce) {
        if (pongCount == pongs.length) {
            pongs = Arrays.copyOf(pongs, Math.max(2, pongCount * 2));
        }
        pongs[pongCount++] = nonce;
    }

    void ping() {
        pingRequested = true;
    }

    boolean owed() {
        return pongCount > 0 || pingRequested;
    }

    /** Encodes the PONGs owed, then a requested PING (its nonce is its send time); returns how many frames. */
    int encode(OutBuffer out) {
        int frames = pongCount;
        for (int i = 0; i < pongCount; i++) {
            framing.encodePong(out, pongs[i]);
        }
        pongCount = 0;
        if (pingRequested) {
            pingRequested = false;
            long nonce = clock.nanoTime();
            framing.encodePing(out, nonce);
            pings.sent(nonce);
            frames++;
        }
        return frames;
    }
}
