/**
 * Sessions that survive reconnects, without I/O: the replay buffer, the receive-side counter, the server's session
 * table, the client's half of the resume, and the codecs of the session's HELLO options and frames. Nothing here
 * touches a socket, starts a thread or reads a clock: every decision about time takes {@code now} (nanoseconds of
 * the connection's monotonic ticker) as an argument. {@code docs/sessions-protocol.md} is the wire format.
 */
@NotNullByDefault
package dev.vigil.internal.session;

import org.jetbrains.annotations.NotNullByDefault;
