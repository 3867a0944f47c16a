package dev.vigil.internal;

import dev.vigil.MessageCodec;
import dev.vigil.internal.wire.OutBuffer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The built-in codecs and {@link MessageCodec#map}. */
public final class Codecs {
    /** Raw bytes, length-prefixed. */
    public static final MessageCodec<byte[]> BYTES = new BytesCodec();
    /** UTF-8 strings, length-prefixed. */
    public static final MessageCodec<String> UTF8 = new StringCodec(MessageCodec.Framing.LENGTH_PREFIXED, "utf8");
    /** UTF-8 strings, one per line. */
    public static final MessageCodec<String> LINES = new StringCodec(MessageCodec.Framing.LINES, "lines");

    private Codecs() {
    }

    /**
     * {@return a codec of another type on top of {@code base}}
     *
     * @param base    the codec that does the bytes
     * @param decoder base message to new message
     * @param encoder new message to base message
     * @param <M>     the base type
     * @param <T>     the new type
     */
    public static <M, T> MessageCodec<T> mapped(MessageCodec<M> base,
                                                MessageCodec.Conversion<? super M, ? extends T> decoder,
                                                MessageCodec.Conversion<? super T, ? extends M> encoder) {
        return new MappedCodec<>(base, decoder, encoder);
    }

    private static final class BytesCodec implements MessageCodec<byte[]> {
        @Override
        public Framing framing() {
            return Framing.LENGTH_PREFIXED;
        }

        @Override
        public void encode(byte[] message, OutputStream out) throws IOException {
            out.write(message, 0, message.length);
        }

        @Override
        public byte[] decode(byte[] frame, int offset, int length) {
            return Arrays.copyOfRange(frame, offset, offset + length);
        }

        @Override
        public String toString() {
            return "MessageCodec.bytes()";
        }
    }

    private static final class StringCodec implements MessageCodec<String> {
        private final Framing framing;
        private final String name;

        StringCodec(Framing framing, String name) {
            this.framing = framing;
            this.name = name;
        }

        @Override
        public Framing framing() {
            return framing;
        }

        @Override
        public void encode(String message, OutputStream out) throws IOException {
            if (framing == Framing.LINES && (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0)) {
                throw new IOException("a line message must not contain a line break");
            }
            if (out instanceof OutBuffer buffer) {
                buffer.writeUtf8(message);
            } else {
                out.write(message.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public String decode(byte[] frame, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                if (frame[i] < 0) {
                    return decodeStrict(frame, offset, length);
                }
            }
            // Pure ASCII: the JDK's constructor takes its own fast path and cannot fail.
            return new String(frame, offset, length, StandardCharsets.ISO_8859_1);
        }

        private static String decodeStrict(byte[] frame, int offset, int length) throws IOException {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(frame, offset, length))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new IOException("payload is not valid UTF-8", e);
            }
        }

        @Override
        public String toString() {
            return "MessageCodec." + name + "()";
        }
    }

    private record MappedCodec<M, T>(MessageCodec<M> base,
                                     MessageCodec.Conversion<? super M, ? extends T> decoder,
                                     MessageCodec.Conversion<? super T, ? extends M> encoder)
            implements MessageCodec<T> {
        @Override
        public Framing framing() {
            return base.framing();
        }

        @Override
        public void encode(T message, OutputStream out) throws IOException {
            M converted;
            try {
                converted = encoder.apply(message);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("cannot convert message: " + e.getMessage(), e);
            }
            base.encode(converted, out);
        }

        @Override
        public T decode(byte[] frame, int offset, int length) throws IOException {
            M message = base.decode(frame, offset, length);
            try {
                return decoder.apply(message);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("cannot convert message: " + e.getMessage(), e);
            }
        }
    }
}
