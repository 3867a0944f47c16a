package dev.vigil.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Peers that send a little and then a byte now and then, each of them in the background until the server ends the
 * connection: one declares a large frame and drips its payload, one drips valid frames after the handshake, one
 * sends a line and then drips characters with no line break. They read (and drop) what the server sends, so the
 * only thing wrong with them is the drip.
 */
final class DripPeer extends AttackPeer {

    private DripPeer(InetSocketAddress address, String name) throws IOException {
        super(address, name, 0);
    }

    /** A frame header declaring {@code declared} bytes, then one byte of its payload every {@code every}. */
    static DripPeer declareAndDrip(InetSocketAddress address, String name, int declared, Duration every)
            throws IOException {
        DripPeer peer = new DripPeer(address, name);
        peer.handshake();
        peer.discardFrames();
        peer.send(AttackWire.header(declared, AttackWire.DATA));
        peer.drip(new byte[declared], every);
        return peer;
    }

    /** After the handshake, a valid 1 KiB data frame after another, one byte every {@code every}. */
    static DripPeer dripFrames(InetSocketAddress address, String name, Duration every) throws IOException {
        DripPeer peer = new DripPeer(address, name);
        peer.handshake();
        peer.discardFrames();
        peer.drip(AttackWire.frame(AttackWire.DATA, new byte[1024]), every);
        return peer;
    }

    /** For a line-mode server: one complete line, then a character every {@code every} and never a line break. */
    static DripPeer lineThenDrip(InetSocketAddress address, String name, Duration every) throws IOException {
        DripPeer peer = new DripPeer(address, name);
        peer.discardLines();
        peer.send("hello\n".getBytes(StandardCharsets.US_ASCII));
        peer.drip("x".repeat(4096).getBytes(StandardCharsets.US_ASCII), every);
        return peer;
    }

    /** Drips {@code bytes} one at a time, over and over, pacing itself as the attacker does. */
    private void drip(byte[] bytes, Duration every) {
        background("drip", () -> {
            for (int i = 0; ; i = (i + 1) % bytes.length) {
                Thread.sleep(every); // the attacker's pace, not a wait for a condition
                send(new byte[]{bytes[i]});
            }
        });
    }
}
