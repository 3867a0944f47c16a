package dev.vigil;

import org.jetbrains.annotations.Nullable;

import java.time.Instant;

/**
 * Counters of one connection, read at one moment. Frames include control frames (PING, PONG, CLOSE); bytes are
 * everything on the wire, headers and handshake included.
 *
 * @param framesIn          frames received
 * @param framesOut         frames written to the socket
 * @param bytesIn           bytes received
 * @param bytesOut          bytes written to the socket
 * @param queuedMessages    messages accepted by {@link Connection#send} and not yet written
 * @param lastFrameReceived when the last frame arrived, or {@code null} if none has
 */
public record ConnectionStats(long framesIn, long framesOut, long bytesIn, long bytesOut, int queuedMessages,
                              @Nullable Instant lastFrameReceived) {
}
