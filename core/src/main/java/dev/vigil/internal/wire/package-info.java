/**
 * The wire format, without I/O: the binary framing and the line framing (each a decoder and encoder pair behind
 * {@link dev.vigil.internal.wire.Framing}), the HELLO codec and the CLOSE frame codec, and the buffers they work on.
 * {@code docs/protocol.md} is the specification; nothing here reads a socket or a clock.
 */
@NotNullByDefault
package dev.vigil.internal.wire;

import org.jetbrains.annotations.NotNullByDefault;
