package dev.vigil.testsupport;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Loopback addresses for real-socket tests: they never talk to anything else. */
public final class Loopback {
    private Loopback() {
    }

    public static InetSocketAddress anyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
}
