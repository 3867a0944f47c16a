/**
 * Vigil's public API: {@link dev.vigil.ConnectionManager} makes servers and clients, {@link dev.vigil.Connection}
 * is one peer, {@link dev.vigil.ConnectionListener} hears what happens to it, {@link dev.vigil.MessageCodec} turns
 * messages into frames, and {@link dev.vigil.HeartbeatPolicy} decides when a silent peer is suspect and when it is
 * dead.
 *
 * <p>Everything in this package is non-null unless marked {@link org.jetbrains.annotations.Nullable}.
 */
@NotNullByDefault
package dev.vigil;

import org.jetbrains.annotations.NotNullByDefault;
