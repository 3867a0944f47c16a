/**
 * Vigil: heartbeat-managed TCP connections, one virtual thread per connection.
 *
 * <p>Start at {@link dev.vigil.ConnectionManager}. Only {@code dev.vigil} is exported; the machinery lives in a
 * package that is not.
 */
module dev.vigil {
    requires org.slf4j;
    requires static transitive org.jetbrains.annotations;

    exports dev.vigil;
    exports dev.vigil.cluster;
}
