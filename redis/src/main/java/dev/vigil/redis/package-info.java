/**
 * {@link dev.vigil.redis.RedisBackplane}: a {@link dev.vigil.cluster.Backplane} on Redis, so that broadcasts and
 * presence reach every Vigil node.
 *
 * <p>Everything in this package is non-null unless marked {@link org.jetbrains.annotations.Nullable}.
 */
@NotNullByDefault
package dev.vigil.redis;

import org.jetbrains.annotations.NotNullByDefault;
