package dev.vigil.internal.wire;

import dev.vigil.MessageCodec;
import org.jetbrains.annotations.Nullable;

/**
 * One framing, as a decoder and encoder pair: how messages, PING, PONG and CLOSE look on the wire. The binary
 * framing ({@link BinaryFraming}) and the line framing ({@link LineFraming}) are the two; everything that differs
 * between them is here, so nothing else asks which one it has. A decoder may keep state between reads, so each
 * connection has its own instance of the line framing; the binary framing keeps none and is shared.
 */
public interface Framing {

    /** The framing a codec asks for, for a connection that accepts frames of up to {@code maxFrameSize} bytes. */
    static Framing of(MessageCodec.Framing framing, int maxFrameSize) {
        return switch (framing) {
            case LENGTH_PREFIXED -> BinaryFraming.of(maxFrameSize);
            case LINES -> new LineFraming(maxFrameSize);
        };
    }

    /** Whether a HELLO exchange comes before any frame; without one, the connection is open as soon as TCP is. */
    boolean hasHello();

    /** Whether the framing has a binary CLOSE frame; the line framing's goodbye is a last line, which may be missing. */
    boolean hasCloseFrame();

    /**
     * Decodes every complete frame in {@code in}, in order, and leaves a partial one there with room to complete it.
     *
     * @throws Fatal if the peer broke the framing, or a callback threw it
     */
    void decode(InboundBuffer in, FrameHandler handler) throws Fatal;

    /** Starts a message frame; the codec then writes the message and {@link #endData} finishes it. */
    int beginData(OutBuffer out);

    /**
     * Finishes the message frame begun at {@code start}, or rolls it back.
     *
     * @param limit the largest payload the peer accepts
     * @return null if the frame is complete, else why the message cannot be sent (the buffer is rolled back)
     */
    @Nullable String endData(OutBuffer out, int start, long limit);

    void encodePing(OutBuffer out, long nonce);

    void encodePong(OutBuffer out, long nonce);

    /** Encodes a CLOSE frame, or the line framing's last line with the reason ({@code CLOSE <code> <reason>}). */
    void encodeClose(OutBuffer out, int code, String text);
}
