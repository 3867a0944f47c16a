package dev.vigil.internal.wire;

import dev.vigil.CloseReason.Kind;

/**
 * What a {@link Framing} decoder found, one frame at a time and in order (as OkHttp's {@code FrameCallback}). A
 * callback that throws {@link Fatal} stops decoding; the frames before it have been handled.
 */
public interface FrameHandler {
    /** A message frame; the bytes are valid only during the call. */
    void onData(byte[] b, int off, int len) throws Fatal;

    /** A PING; {@code nonce} is 0 in a framing without nonces. */
    void onPing(long nonce) throws Fatal;

    /**
     * A PONG.
     *
     * @param nonce    the nonce it echoes, if {@code echoed}
     * @param echoed   false in a framing whose PONG carries no nonce (it answers the last PING sent)
     */
    void onPong(long nonce, boolean echoed) throws Fatal;

    /** A valid CLOSE frame. */
    void onClose(int code, String text) throws Fatal;

    /**
     * A SESSION (0x04) or ACK (0x05) frame, known only on a connection that negotiated a session
     * ({@code docs/protocol.md}, section 5); the bytes are valid only during the call.
     *
     * @implSpec The default refuses it as a frame of unknown type, as on a connection without a session.
     */
    default void onSessionFrame(byte type, byte[] b, int off, int len) throws Fatal {
        throw new Fatal(Kind.PROTOCOL_ERROR, String.format("peer sent a frame of unknown type 0x%02x (%d bytes)",
                type, len));
    }

    /** {@return whether the decoder should stop after the frame just handled (the reader pauses), leaving the rest} */
    default boolean paused() {
        return false;
    }
}
