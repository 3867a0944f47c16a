/**
 * Vigil: heartbeat-managed TCP connections, one virtual thread per connection.
 *
 * <p>Start at {@link dev.vigil.ConnectionManager}. Only {@code dev.vigil} is exported; the machinery lives in a
 * package that is not.
 */
@SuppressWarnings("module") // dev.vigil.testing is built after this module
module dev.vigil {
    requires org.slf4j;
    requires jdk.jfr;
    requires static transitive org.jetbrains.annotations;

    exports dev.vigil;
    // vigil-testing drives a real connection core without a socket (EmbeddedConnection); nobody else sees these.
    exports dev.vigil.internal to dev.vigil.testing;
    exports dev.vigil.internal.conn to dev.vigil.testing;
    exports dev.vigil.internal.heartbeat to dev.vigil.testing;
    exports dev.vigil.internal.wire to dev.vigil.testing;
}
