/**
 * Vigil's Redis backplane: {@link dev.vigil.redis.RedisBackplane} carries broadcasts and presence between Vigil
 * nodes over Redis pub/sub, through Lettuce. Only {@code dev.vigil.redis} is exported.
 */
module dev.vigil.redis {
    requires transitive dev.vigil;
    requires lettuce.core;
    requires org.slf4j;
    requires static org.jetbrains.annotations;

    exports dev.vigil.redis;
}
