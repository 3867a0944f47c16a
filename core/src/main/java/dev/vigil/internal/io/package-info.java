/**
 * The socket side of a connection, kept thin: the class that wires a {@link dev.vigil.internal.conn.ConnectionCore}
 * to a socket and to named virtual threads, the socket reader loop, the opt-in input that spins before it blocks
 * ({@code readSpin}), and the one place that turns an {@link java.io.IOException} into a {@link dev.vigil.CloseReason}.
 */
@NotNullByDefault
package dev.vigil.internal.io;

import org.jetbrains.annotations.NotNullByDefault;
