/**
 * Vigil: heartbeat-managed TCP connections, one virtual thread per connection.
 *
 * <p>Start at {@link dev.vigil.ConnectionManager}. Only {@code dev.vigil} and {@code dev.vigil.cluster} (presence and
 * the backplane SPI) are exported; the machinery lives in packages that are not.
 */
module dev.vigil {
    requires org.slf4j;
    requires static transitive org.jetbrains.annotations;

    exports dev.vigil;
    exports dev.vigil.cluster;
}
