/**
 * Vigil's machinery, manager side: the manager, its accept loop, connector and registry, the reconnecting client, the
 * settings and the ticker. One connection's rules are in {@code internal.conn}, the heartbeat in
 * {@code internal.heartbeat}, the socket side in {@code internal.io}, the wire format in {@code internal.wire}. Not
 * exported; nothing here is API.
 */
@NotNullByDefault
package dev.vigil.internal;

import org.jetbrains.annotations.NotNullByDefault;
