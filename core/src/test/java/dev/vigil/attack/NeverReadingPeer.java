package dev.vigil.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A peer that never reads: its receive window is a few KiB and full at once, so every write the server makes to it
 * ends up blocked. It keeps sending data frames (each asks an echo server for a reply it will never read), and as a
 * "deaf member" it can also send an unsolicited PONG now and then, a sign of life that must not keep it open.
 */
final class NeverReadingPeer extends AttackPeer {

    private NeverReadingPeer(InetSocketAddress address, String name) throws IOException {
        super(address, name, 4096);
    }

    /**
     * Connects, completes the handshake and starts sending.
     *
     * @param payload   the data frames' payload size, sent back to back until the server stops reading; 0 for no
     *                  data frames at all (a deaf member that only sends PONGs)
     * @param pongEvery how often to add a PONG, or {@code null} for never
     */
    static NeverReadingPeer start(InetSocketAddress address, String name, int payload, Duration pongEvery)
            throws IOException {
        NeverReadingPeer peer = new NeverReadingPeer(address, name);
        peer.handshake();
        byte[] batch = payload == 0 ? new byte[0]
                : AttackWire.repeat(AttackWire.frame(AttackWire.DATA, new byte[payload]), 16);
        peer.background("send", () -> {
            while (true) {
                if (batch.length > 0) {
                    peer.send(batch);
                }
                if (pongEvery == null) {
                    continue;
                }
                // Once the server stops reading, the write above blocks; a deaf member's PONGs then go out only
                // as often as the kernel lets them, which is what it looks like on the wire too.
                Thread.sleep(pongEvery);
                peer.send(AttackWire.pong(System.nanoTime()));
            }
        });
        return peer;
    }
}
