package dev.vigil.internal.conn;

import dev.vigil.BackpressurePolicy;
import dev.vigil.MessageCodec;
import dev.vigil.internal.wire.Framing;
import dev.vigil.internal.wire.OutBuffer;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One broadcast message, encoded once by the codec and queued as it is to every connection: each writer copies its
 * framing's frame bytes into its buffer instead of encoding the message again. The frame of each framing is built
 * the first time a writer of that framing asks (connections of one manager share one framing, so normally once);
 * building it twice in a race is harmless. The peer's maximum frame size is checked per connection, at write time,
 * as for any send. Immutable apart from that cache; safe to share between writers.
 */
public final class Broadcast {
    /** Unused bytes at the end of the codec's buffer beyond which the payload is copied to an array of its size. */
    private static final int SLACK = 1024;
    /** Room for what a framing adds to a payload (the binary header is 5 bytes, a line's end 1). */
    private static final int FRAMING_ROOM = 16;
    private final byte[] payload; // valid up to length: the codec's own buffer, kept unless it wastes much
    private final int length;
    private volatile @Nullable Frame first;
    private volatile @Nullable Frame second;

    private Broadcast(byte[] payload, int length) {
        this.payload = payload;
        this.length = length;
    }

    /**
     * Encodes a message once.
     *
     * @throws Exception what the codec threw; the broadcast fails with it, once
     */
    public static <M> Broadcast encode(MessageCodec<M> codec, M message) throws Exception {
        OutBuffer scratch = new OutBuffer();
        codec.encode(message, scratch);
        int size = scratch.size;
        byte[] bytes = scratch.buf.length - size > SLACK ? Arrays.copyOf(scratch.buf, size) : scratch.buf;
        return new Broadcast(bytes, size);
    }

    /**
     * Queues the message to one connection, behind what it already has queued, without blocking: the manager's
     * policy as a broadcast applies it (BLOCK acts as FAIL). A connection with a session sends it its own way (the
     * codec runs again for it), since its replay buffer takes the message itself.
     *
     * @param message the message, for a connection with a session
     * @param policy  the manager's backpressure policy
     */
    public <M> CompletableFuture<Void> sendTo(ConnectionCore<M> connection, M message, BackpressurePolicy policy) {
        Outbound<M> out = connection.outbound;
        BackpressurePolicy noWait = SessionSends.noWait(policy);
        if (out.session != null) {
            return SessionSends.send(out, message, noWait);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        out.enqueue(this, future, noWait);
        return future;
    }

    /**
     * Appends this message's frame to a writer's buffer; {@return why it cannot go to this peer, or null}
     *
     * @param limit the largest payload the peer accepts
     */
    @Nullable Throwable writeTo(OutBuffer buffer, Framing framing, long limit) {
        Frame frame = frame(framing);
        if (frame.error != null) {
            return new IOException(frame.error);
        }
        if (length > limit) { // as the framing's own check words it
            return new IOException("message of " + length + " bytes exceeds the maximum frame size of "
                    + limit + " bytes");
        }
        buffer.write(frame.bytes, 0, frame.length);
        return null;
    }

    private Frame frame(Framing framing) {
        Class<?> kind = framing.getClass();
        Frame f = first;
        if (f != null && f.kind == kind) {
            return f;
        }
        Frame s = second;
        if (s != null && s.kind == kind) {
            return s;
        }
        OutBuffer out = new OutBuffer();
        out.buf = new byte[length + FRAMING_ROOM]; // a header or a line break: the frame is made in one array
        int start = framing.beginData(out);
        out.write(payload, 0, length);
        String error = framing.endData(out, start, Long.MAX_VALUE);
        Frame built = new Frame(kind, out.buf, out.size, error);
        if (f == null) {
            first = built;
        } else {
            second = built;
        }
        return built;
    }

    /** The frame bytes of one framing class, or why the message cannot be framed so (a line with a line break). */
    private record Frame(Class<?> kind, byte[] bytes, int length, @Nullable String error) {
    }
}
