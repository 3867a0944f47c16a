package dev.vigil.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A peer that sends as fast as loopback lets it: tiny data frames, unsolicited PONGs, or short lines. It reads and
 * drops what the server sends (so it is never a slow consumer, only a greedy sender) and counts what it sent.
 */
final class Flooder extends AttackPeer {
    /** Frames (or lines) written so far. */
    final AtomicLong framesSent = new AtomicLong();

    private Flooder(InetSocketAddress address, String name) throws IOException {
        super(address, name, 0);
    }

    /** Tiny data frames (a 1-byte payload), 4,096 per write. */
    static Flooder data(InetSocketAddress address, String name) throws IOException {
        Flooder f = new Flooder(address, name);
        f.handshake();
        f.discardFrames();
        f.flood(AttackWire.frame(AttackWire.DATA, new byte[]{'x'}), 4096);
        return f;
    }

    /** Unsolicited PONGs, 4,096 per write. */
    static Flooder pongs(InetSocketAddress address, String name) throws IOException {
        Flooder f = new Flooder(address, name);
        f.handshake();
        f.discardFrames();
        f.flood(AttackWire.pong(42), 4096);
        return f;
    }

    /** Short lines to a line-mode server, 4,096 per write. */
    static Flooder lines(InetSocketAddress address, String name) throws IOException {
        Flooder f = new Flooder(address, name);
        f.discardLines();
        f.flood("flood\n".getBytes(StandardCharsets.US_ASCII), 4096);
        return f;
    }

    private void flood(byte[] one, int perWrite) {
        byte[] batch = AttackWire.repeat(one, perWrite);
        background("flood", () -> {
            while (!ended().isDone()) {
                send(batch);
                framesSent.addAndGet(perWrite);
            }
        });
    }
}
