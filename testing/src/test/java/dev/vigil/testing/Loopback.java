package dev.vigil.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Loopback addresses for real-socket tests: they never talk to anything else. */
final class Loopback {
    private Loopback() {
    }

    static InetSocketAddress anyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
}
