package dev.vigil.testing;

import dev.vigil.ResumeFailure;
import org.jetbrains.annotations.Nullable;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;

/**
 * The session parts of the protocol ({@code docs/protocol.md}, section 5) as a test's scripted peer writes and reads
 * them: the HELLO options that ask for or offer a session, and the server's SESSION frame. ACK frames are
 * {@link Frame#ack} and {@link Frame#ackCount()}. With an {@link EmbeddedConnection} built with a session policy:
 *
 * <pre>{@code
 * EmbeddedConnection<String> server = EmbeddedConnection.builder(MessageCodec.utf8(), listener)
 *         .sessions(SessionPolicy.defaults()).build();
 * server.writeInbound(SessionFrames.helloAskingForSession(Hello.basic()));
 * SessionFrames.Answer answer = SessionFrames.answer(server.readFrame());   // STARTED, with the session's id
 * server.writeFrame(Frame.data("order 1"));
 * server.advanceTimeBy(Duration.ofMillis(200));                             // ackInterval
 * assertEquals(1, server.readFrame().ackCount());
 * }</pre>
 */
public final class SessionFrames {
    private static final int REQUEST = 6;
    private static final int OFFER = 5;

    private SessionFrames() {
    }

    /** What the server's SESSION frame says. */
    public enum Outcome {
        /** A new session started. */
        STARTED,
        /** The presented session carries on. */
        RESUMED,
        /** The presented session cannot carry on; a new one started. */
        REFUSED
    }

    /**
     * A decoded SESSION frame.
     *
     * @param outcome     what happened
     * @param reason      why a resume was refused; null unless {@link Outcome#REFUSED}
     * @param countsKnown whether {@code delivered} and {@code sent} carry the server's counts
     * @param id          the session that carries on or starts
     * @param epoch       the server's epoch
     * @param delivered   how many of the client's DATA frames the server delivered
     * @param sent        how many DATA frames the server sent
     */
    public record Answer(Outcome outcome, @Nullable ResumeFailure reason, boolean countsKnown, UUID id, long epoch,
                         long delivered, long sent) {
    }

    /**
     * A client's HELLO asking for a new session (option 6, new session).
     *
     * @param hello the rest of the HELLO
     * @return the HELLO's bytes
     */
    public static byte[] helloAskingForSession(Hello hello) {
        return withOption(hello, REQUEST, new byte[] {1, 0});
    }

    /**
     * A client's HELLO resuming a session (option 6, resume).
     *
     * @param hello     the rest of the HELLO
     * @param id        the session's id, as the server gave it
     * @param epoch     the server's epoch the session was created in
     * @param delivered how many of the server's DATA frames the client delivered
     * @param sent      how many DATA frames the client sent in the session
     * @return the HELLO's bytes
     */
    public static byte[] helloResuming(Hello hello, UUID id, long epoch, long delivered, long sent) {
        return withOption(hello, REQUEST, ByteBuffer.allocate(42).put((byte) 1).put((byte) 1)
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).putLong(epoch)
                .putLong(delivered).putLong(sent).array());
    }

    /**
     * A server's HELLO offering sessions (option 5), for a client-side connection.
     *
     * @param hello  the rest of the HELLO
     * @param linger how long the server keeps a session after its connection died
     * @return the HELLO's bytes
     */
    public static byte[] helloOffering(Hello hello, Duration linger) {
        return withOption(hello, OFFER, ByteBuffer.allocate(5).put((byte) 1)
                .putInt((int) Math.min(linger.toMillis(), 0xffffffffL)).array());
    }

    /**
     * A server's SESSION frame starting a new session, for a client-side connection.
     *
     * @param id    the new session's id (not all zero)
     * @param epoch the server's epoch (not 0)
     * @return the frame
     */
    public static Frame started(UUID id, long epoch) {
        return session(Outcome.STARTED, 0, false, id, epoch, 0, 0);
    }

    /**
     * A server's SESSION frame resuming the session the client presented.
     *
     * @param id        the session's id
     * @param epoch     its epoch
     * @param delivered how many of the client's DATA frames the server delivered
     * @param sent      how many DATA frames the server sent in the session
     * @return the frame
     */
    public static Frame resumed(UUID id, long epoch, long delivered, long sent) {
        return session(Outcome.RESUMED, 0, true, id, epoch, delivered, sent);
    }

    /**
     * A server's SESSION frame refusing the presented session; a new one starts.
     *
     * @param reason    why
     * @param id        the new session's id
     * @param epoch     the server's epoch
     * @param delivered the old session's count of the client's frames delivered, or -1 if unknown
     * @param sent      the old session's count of the server's frames sent (ignored when {@code delivered} is -1)
     * @return the frame
     */
    public static Frame refused(ResumeFailure reason, UUID id, long epoch, long delivered, long sent) {
        boolean known = delivered >= 0;
        return session(Outcome.REFUSED, reason.code(), known, id, epoch, known ? delivered : 0, known ? sent : 0);
    }

    /**
     * Reads a SESSION frame.
     *
     * @param frame the frame, as {@link EmbeddedConnection#readFrame()} gave it
     * @return what it says
     * @throws IllegalArgumentException if it is not a 43-byte SESSION frame
     */
    public static Answer answer(@Nullable Frame frame) {
        if (frame == null || frame.type() != Frame.Type.SESSION || frame.payload().length != 43) {
            throw new IllegalArgumentException("not a SESSION frame: " + frame);
        }
        ByteBuffer b = ByteBuffer.wrap(frame.payload());
        Outcome outcome = Outcome.values()[b.get()];
        int reasonCode = b.get();
        ResumeFailure reason = null;
        for (ResumeFailure f : ResumeFailure.values()) {
            if (f.code() == reasonCode) {
                reason = f;
            }
        }
        boolean known = (b.get() & 1) != 0;
        UUID id = new UUID(b.getLong(), b.getLong());
        return new Answer(outcome, reason, known, id, b.getLong(), b.getLong(), b.getLong());
    }

    private static Frame session(Outcome outcome, int reason, boolean known, UUID id, long epoch, long delivered,
                                 long sent) {
        return new Frame(Frame.Type.SESSION, ByteBuffer.allocate(43).put((byte) outcome.ordinal()).put((byte) reason)
                .put((byte) (known ? 1 : 0)).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).putLong(epoch).putLong(delivered).putLong(sent).array());
    }

    private static byte[] withOption(Hello hello, int type, byte[] value) {
        byte[] base = hello.encode();
        int optionsLength = (base[6] & 0xff) << 8 | (base[7] & 0xff);
        ByteBuffer b = ByteBuffer.allocate(base.length + 2 + value.length);
        b.put(base, 0, 6).putShort((short) (optionsLength + 2 + value.length)).put(base, 8, base.length - 8)
                .put((byte) type).put((byte) value.length).put(value);
        return b.array();
    }
}
