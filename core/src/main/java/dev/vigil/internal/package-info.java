/**
 * Vigil's machinery: connections, the wire format, the heartbeat timer. Not exported; nothing here is API.
 */
@NotNullByDefault
package dev.vigil.internal;

import org.jetbrains.annotations.NotNullByDefault;
