/**
 * Many Vigil nodes as one: {@link dev.vigil.cluster.Presence} tracks who is online under keys of your own (a user id,
 * a device id), on one node or across many, and {@link dev.vigil.cluster.Backplane} is the small SPI that carries
 * broadcasts and presence between nodes. {@link dev.vigil.cluster.Backplane#inMemory()} serves one node; the
 * {@code vigil-redis} module serves many over Redis.
 *
 * <p>Everything in this package is non-null unless marked {@link org.jetbrains.annotations.Nullable}.
 */
@NotNullByDefault
package dev.vigil.cluster;

import org.jetbrains.annotations.NotNullByDefault;
