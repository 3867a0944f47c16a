/**
 * Vigil: heartbeat-managed TCP connections, one virtual thread per connection.
 *
 * <p>Start at {@link dev.vigil.ConnectionManager}. Only {@code dev.vigil} and {@code dev.vigil.cluster} (presence and
 * the backplane SPI) are exported; the machinery lives in packages that are not.
 */
@SuppressWarnings("module") // dev.vigil.testing is built after this module
module dev.vigil {
    requires org.slf4j;
    requires jdk.jfr;
    requires static transitive org.jetbrains.annotations;

    exports dev.vigil;
    exports dev.vigil.cluster;
    // vigil-testing drives a real connection core without a socket (EmbeddedConnection); nobody else sees these.
    exports dev.vigil.internal to dev.vigil.testing;
    exports dev.vigil.internal.conn to dev.vigil.testing;
    exports dev.vigil.internal.heartbeat to dev.vigil.testing;
    exports dev.vigil.internal.wire to dev.vigil.testing;
}
