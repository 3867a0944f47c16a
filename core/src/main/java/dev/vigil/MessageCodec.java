package dev.vigil;

import dev.vigil.internal.Codecs;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns messages of type {@code M} into the payload of a frame and back. Vigil does the framing, the heartbeats and
 * the handshake; a codec only sees one message's bytes at a time.
 *
 * <p>Use a built-in codec, or put your own type on top of one with {@link #map}, for instance JSON with your own
 * mapper:
 * <pre>{@code
 * MessageCodec<Order> orders = MessageCodec.bytes()
 *         .map(bytes -> mapper.readValue(bytes, Order.class), mapper::writeValueAsBytes);
 * }</pre>
 *
 * <p>A codec must be thread-safe: one instance serves every connection of a manager. {@link #decode} is called on the
 * reading connection's own thread, {@link #encode} on whichever thread writes that connection's frames.
 *
 * @param <M> the type of messages
 */
public interface MessageCodec<M> {

    /** How frames are delimited on the wire; see {@code docs/protocol.md} for both formats. */
    enum Framing {
        /**
         * Vigil's binary protocol: a HELLO handshake, then frames with a 4-byte length and a type, so control frames
         * (PING, PONG, CLOSE) travel beside data without ever being mistaken for it.
         */
        LENGTH_PREFIXED,
        /**
         * Newline-delimited text, one message per line, with no handshake: a person can talk to a server with
         * {@code nc}. The lines {@code PING} and {@code PONG} are the heartbeat and are never delivered as messages.
         */
        LINES
    }

    /** {@return how this codec's frames are delimited} */
    Framing framing();

    /**
     * Writes one message's payload. In {@link Framing#LINES} mode the payload must not contain a line break.
     *
     * @param message the message
     * @param out     where the bytes go; valid only during this call; do not close it
     * @throws IOException if the message cannot be encoded; the send of this message fails with it, the connection
     *                     stays open, and nothing of this message reaches the wire
     */
    void encode(M message, OutputStream out) throws IOException;

    /**
     * Reads one message from one frame's payload.
     *
     * @param frame  a buffer holding the payload; it is reused after the call, so copy what you keep
     * @param offset where the payload starts
     * @param length how many bytes it has (the line terminator excluded in {@link Framing#LINES} mode)
     * @return the message
     * @throws IOException if the payload is not a valid message; the connection is closed with
     *                     {@link CloseReason.Kind#PROTOCOL_ERROR}
     */
    M decode(byte[] frame, int offset, int length) throws IOException;

    /**
     * {@return a codec for messages of another type, made by converting this codec's messages}
     *
     * @param decoder converts a decoded message of this codec to the new type; what it throws makes the frame a
     *                protocol error
     * @param encoder converts a message of the new type to this codec's type; what it throws fails that send
     * @param <T>     the new type
     */
    default <T> MessageCodec<T> map(Conversion<? super M, ? extends T> decoder,
                                    Conversion<? super T, ? extends M> encoder) {
        return Codecs.mapped(this, decoder, encoder);
    }

    /**
     * A conversion between message types that may fail, as a JSON mapper's calls do.
     *
     * @param <A> the type it takes
     * @param <B> the type it gives
     */
    @FunctionalInterface
    interface Conversion<A, B> {
        /**
         * Converts a value.
         *
         * @param value the value
         * @return the converted value
         * @throws Exception if it cannot be converted
         */
        B apply(A value) throws Exception;
    }

    /** {@return the binary codec for raw {@code byte[]} messages, each in one length-prefixed frame} */
    static MessageCodec<byte[]> bytes() {
        return Codecs.BYTES;
    }

    /** {@return the binary codec for {@code String} messages, UTF-8 in one length-prefixed frame each} */
    static MessageCodec<String> utf8() {
        return Codecs.UTF8;
    }

    /**
     * {@return the text codec: one UTF-8 {@code String} per line, ended by {@code \n} (a {@code \r} before it is
     * dropped)} The heartbeat is the plain lines {@code PING} and {@code PONG}.
     */
    static MessageCodec<String> lines() {
        return Codecs.LINES;
    }
}
