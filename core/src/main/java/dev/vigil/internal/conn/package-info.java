/**
 * One connection's rules, without I/O: {@link dev.vigil.internal.conn.ConnectionCore} takes bytes and the time, and
 * hands back bytes to write and the next deadline. It owns the state machine, the order of frames, the close
 * handshake and the deadlines; the outbound queue, the PING-flood enforcer and listener dispatch are its parts. It
 * starts no thread and touches no socket: the socket side ({@code dev.vigil.internal.io}) or a test's
 * {@code EmbeddedConnection} supplies both.
 */
@NotNullByDefault
package dev.vigil.internal.conn;

import org.jetbrains.annotations.NotNullByDefault;
