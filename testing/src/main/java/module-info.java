/**
 * Vigil's test tools: {@link dev.vigil.testing.EmbeddedConnection}, a connection driven without a socket on a fake
 * clock, and {@link dev.vigil.testing.FaultProxy}, a fault-injecting TCP proxy.
 */
module dev.vigil.testing {
    requires transitive dev.vigil;
    requires static org.jetbrains.annotations;

    exports dev.vigil.testing;
}
