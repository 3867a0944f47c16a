package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import org.jetbrains.annotations.Nullable;

import java.util.UUID;

/**
 * The session's additions to Vigil's binary wire format, as pure byte functions: two HELLO options and two frames.
 * {@code docs/protocol.md}, section 5 is their specification; all integers are big-endian, counts are unsigned 64-bit
 * values below 2^63.
 *
 * <pre>
 * option 5 OFFER   (server) = version u8 | linger ms u32                                             5 bytes
 * option 6 REQUEST (client) = version u8 | flags u8 (RESUME=0)                                       2 bytes
 *                           = version u8 | flags u8 (RESUME=1, OVERFLOWED) | id 16 | epoch u64
 *                             | delivered u64 | sent u64                                            42 bytes
 * frame 0x04 SESSION (server, once) = outcome u8 | reason u8 | flags u8 (COUNTS_KNOWN) | id 16
 *                             | epoch u64 | delivered u64 | sent u64                                43 bytes
 * frame 0x05 ACK (either)   = delivered u64                                                          8 bytes
 * </pre>
 *
 * Decoders take the option value or frame payload (without the TLV or frame header) and throw
 * {@link SessionProtocolException} with what was wrong; they never allocate more than the fixed sizes above.
 */
public final class SessionWire {
    /** The session protocol version this code speaks. */
    public static final int VERSION = 1;
    /** HELLO option: the server keeps sessions. */
    public static final int OPT_OFFER = 5;
    /** HELLO option: the client asks for a new session or to resume one. */
    public static final int OPT_REQUEST = 6;
    /** Frame type of the server's answer to a request. */
    public static final byte SESSION = 0x04;
    /** Frame type of a cumulative acknowledgement. */
    public static final byte ACK = 0x05;

    static final int OFFER_LENGTH = 5;
    static final int NEW_REQUEST_LENGTH = 2;
    static final int RESUME_REQUEST_LENGTH = 42;
    static final int ANSWER_LENGTH = 43;
    static final int ACK_LENGTH = 8;
    static final int FRAME_HEADER = 5;

    static final int FLAG_RESUME = 1;
    static final int FLAG_OVERFLOWED = 2;
    static final int FLAG_COUNTS_KNOWN = 1;

    private SessionWire() {
    }

    /** What the server's answer says happened to the client's request. */
    public enum Outcome {
        /** A new session started (the client asked for one, or see {@link #REFUSED}). */
        STARTED,
        /** The session the client presented carries on. */
        RESUMED,
        /** The session the client presented cannot carry on; a new one started in its place. */
        REFUSED
    }

    /**
     * Option 5: the server keeps sessions.
     *
     * @param version  the highest session protocol version the server speaks, at least 1
     * @param lingerMs how long it keeps a session after its connection died, in milliseconds
     */
    public record Offer(int version, long lingerMs) {
        /** {@return the option as it goes into a HELLO: type, length, value} */
        public byte[] encode() {
            byte[] b = new byte[2 + OFFER_LENGTH];
            b[0] = OPT_OFFER;
            b[1] = OFFER_LENGTH;
            b[2] = (byte) version;
            putInt(b, 3, (int) Math.min(lingerMs, 0xffffffffL));
            return b;
        }
    }

    /**
     * Option 6: the client asks for a session.
     *
     * @param version    the highest session protocol version the client speaks, at least 1
     * @param resume     whether it presents a session to resume (else it asks for a new one)
     * @param overflowed whether its replay buffer for that session overflowed while disconnected
     * @param id         the session to resume; null for a new one
     * @param epoch      the server epoch the session was created in; 0 for a new one
     * @param delivered  how many of the server's DATA frames of that session the client delivered
     * @param sent       how many DATA frames the client sent in that session
     */
    public record Request(int version, boolean resume, boolean overflowed, @Nullable UUID id, long epoch,
                          long delivered, long sent) {
        /**
         * Checks that a resume names its session and a new session carries nothing else.
         *
         * @throws IllegalArgumentException if not
         */
        public Request {
            if (resume ? id == null : id != null || overflowed || epoch != 0 || delivered != 0 || sent != 0) {
                throw new IllegalArgumentException((resume ? "a resume request without a session id"
                        : "a request for a new session with an id, OVERFLOWED or counts"));
            }
        }

        /** {@return a request for a new session} */
        public static Request fresh() {
            return new Request(VERSION, false, false, null, 0, 0, 0);
        }

        /** {@return the option as it goes into a HELLO: type, length, value} */
        public byte[] encode() {
            if (!resume || id == null) { // the constructor made sure both hold or neither
                return new byte[]{OPT_REQUEST, NEW_REQUEST_LENGTH, (byte) version, 0};
            }
            byte[] b = new byte[2 + RESUME_REQUEST_LENGTH];
            b[0] = OPT_REQUEST;
            b[1] = RESUME_REQUEST_LENGTH;
            b[2] = (byte) version;
            b[3] = (byte) (FLAG_RESUME | (overflowed ? FLAG_OVERFLOWED : 0));
            putUuid(b, 4, id);
            putLong(b, 20, epoch);
            putLong(b, 28, delivered);
            putLong(b, 36, sent);
            return b;
        }
    }

    /**
     * The SESSION frame: the server's answer. For {@link Outcome#REFUSED}, {@code id} and {@code epoch} name the new
     * session while {@code delivered} and {@code sent} are the old session's counts, meaningful only when
     * {@code countsKnown}.
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
        /** {@return the whole frame, header included} */
        public byte[] encode() {
            byte[] b = frame(SESSION, ANSWER_LENGTH);
            int p = FRAME_HEADER;
            b[p] = (byte) outcome.ordinal();
            b[p + 1] = (byte) (reason == null ? 0 : reason.code());
            b[p + 2] = (byte) (countsKnown ? FLAG_COUNTS_KNOWN : 0);
            putUuid(b, p + 3, id);
            putLong(b, p + 19, epoch);
            putLong(b, p + 27, delivered);
            putLong(b, p + 35, sent);
            return b;
        }
    }

    /**
     * Decodes option 5.
     *
     * @param b   the bytes
     * @param off where the option's value starts
     * @param len the option's declared length
     * @return the offer
     * @throws SessionProtocolException if it is malformed
     */
    public static Offer decodeOffer(byte[] b, int off, int len) throws SessionProtocolException {
        expectLength("session offer (HELLO option 5)", len, OFFER_LENGTH);
        int version = b[off] & 0xff;
        checkVersion("session offer", version);
        return new Offer(version, getInt(b, off + 1) & 0xffffffffL);
    }

    /**
     * Decodes option 6.
     *
     * @param b   the bytes
     * @param off where the option's value starts
     * @param len the option's declared length
     * @return the request
     * @throws SessionProtocolException if it is malformed
     */
    public static Request decodeRequest(byte[] b, int off, int len) throws SessionProtocolException {
        if (len < NEW_REQUEST_LENGTH) {
            throw new SessionProtocolException("session request (HELLO option 6) has " + len
                    + " bytes (expected: 2 or 42)");
        }
        int version = b[off] & 0xff;
        checkVersion("session request", version);
        int flags = b[off + 1] & 0xff;
        if ((flags & ~(FLAG_RESUME | FLAG_OVERFLOWED)) != 0) {
            throw new SessionProtocolException("session request sets reserved flag bits 0x"
                    + Integer.toHexString(flags & ~(FLAG_RESUME | FLAG_OVERFLOWED)) + " (expected: 0)");
        }
        if ((flags & FLAG_RESUME) == 0) {
            if (flags != 0) {
                throw new SessionProtocolException("session request for a new session sets OVERFLOWED (expected: only with RESUME)");
            }
            expectLength("session request for a new session", len, NEW_REQUEST_LENGTH);
            return new Request(version, false, false, null, 0, 0, 0);
        }
        expectLength("session resume request", len, RESUME_REQUEST_LENGTH);
        UUID id = getUuid(b, off + 2);
        long epoch = getLong(b, off + 18);
        if (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0 || epoch == 0) {
            throw new SessionProtocolException("session resume request names session " + id + " in epoch "
                    + Long.toUnsignedString(epoch) + " (expected: neither zero)");
        }
        long delivered = count("session resume request", "delivered", getLong(b, off + 26));
        long sent = count("session resume request", "sent", getLong(b, off + 34));
        return new Request(version, true, (flags & FLAG_OVERFLOWED) != 0, id, epoch, delivered, sent);
    }

    /**
     * Decodes a SESSION frame's payload.
     *
     * @param b   the bytes
     * @param off where the payload starts
     * @param len the payload's length
     * @return the answer
     * @throws SessionProtocolException if it is malformed
     */
    public static Answer decodeAnswer(byte[] b, int off, int len) throws SessionProtocolException {
        expectLength("SESSION frame", len, ANSWER_LENGTH);
        int outcomeCode = b[off] & 0xff;
        int reasonCode = b[off + 1] & 0xff;
        int flags = b[off + 2] & 0xff;
        if (outcomeCode >= Outcome.values().length) {
            throw new SessionProtocolException("SESSION frame has outcome " + outcomeCode + " (expected: 0 to 2)");
        }
        Outcome outcome = Outcome.values()[outcomeCode];
        if ((flags & ~FLAG_COUNTS_KNOWN) != 0) {
            throw new SessionProtocolException("SESSION frame sets reserved flag bits 0x"
                    + Integer.toHexString(flags & ~FLAG_COUNTS_KNOWN) + " (expected: 0)");
        }
        boolean countsKnown = (flags & FLAG_COUNTS_KNOWN) != 0;
        ResumeFailure reason = null;
        if (outcome == Outcome.REFUSED) {
            if (reasonCode < 1 || reasonCode > ResumeFailure.values().length) {
                throw new SessionProtocolException("SESSION frame refuses with reason " + reasonCode
                        + " (expected: 1 to " + ResumeFailure.values().length + ")");
            }
            reason = ResumeFailure.ofCode(reasonCode);
        } else if (reasonCode != 0) {
            throw new SessionProtocolException("SESSION frame " + outcome + " has reason " + reasonCode
                    + " (expected: 0)");
        }
        if (outcome == Outcome.RESUMED && !countsKnown || outcome == Outcome.STARTED && countsKnown) {
            throw new SessionProtocolException("SESSION frame " + outcome + (countsKnown ? " sets" : " clears")
                    + " COUNTS_KNOWN (expected: set for RESUMED, clear for STARTED)");
        }
        UUID id = getUuid(b, off + 3);
        long epoch = getLong(b, off + 19);
        if (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0 || epoch == 0) {
            throw new SessionProtocolException("SESSION frame names session " + id + " in epoch "
                    + Long.toUnsignedString(epoch) + " (expected: neither zero)");
        }
        long delivered = count("SESSION frame", "delivered", getLong(b, off + 27));
        long sent = count("SESSION frame", "sent", getLong(b, off + 35));
        if (!countsKnown && (delivered != 0 || sent != 0)) {
            throw new SessionProtocolException("SESSION frame " + outcome + " without COUNTS_KNOWN carries counts "
                    + delivered + " and " + sent + " (expected: 0)");
        }
        return new Answer(outcome, reason, countsKnown, id, epoch, delivered, sent);
    }

    /**
     * {@return an ACK frame, header included}
     *
     * @param delivered how many of the peer's DATA frames this side delivered in the session
     */
    public static byte[] ackFrame(long delivered) {
        byte[] b = frame(ACK, ACK_LENGTH);
        putLong(b, FRAME_HEADER, delivered);
        return b;
    }

    /**
     * Decodes an ACK frame's payload.
     *
     * @param b   the bytes
     * @param off where the payload starts
     * @param len the payload's length
     * @return the peer's delivered count
     * @throws SessionProtocolException if it is malformed
     */
    public static long decodeAck(byte[] b, int off, int len) throws SessionProtocolException {
        expectLength("ACK frame", len, ACK_LENGTH);
        return count("ACK frame", "delivered", getLong(b, off));
    }

    private static void expectLength(String what, int len, int expected) throws SessionProtocolException {
        if (len != expected) {
            throw new SessionProtocolException(what + " has " + len + " bytes (expected: " + expected + ")");
        }
    }

    private static void checkVersion(String what, int version) throws SessionProtocolException {
        if (version == 0) {
            throw new SessionProtocolException(what + " announces session protocol version 0 (expected: 1 or more)");
        }
    }

    private static long count(String what, String name, long value) throws SessionProtocolException {
        if (value < 0) {
            throw new SessionProtocolException(what + " has " + name + " count " + Long.toUnsignedString(value)
                    + " (expected: below 2^63)");
        }
        return value;
    }

    private static byte[] frame(byte type, int payload) {
        byte[] b = new byte[FRAME_HEADER + payload];
        putInt(b, 0, payload);
        b[4] = type;
        return b;
    }

    static int getInt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    static long getLong(byte[] b, int i) {
        return (long) getInt(b, i) << 32 | (getInt(b, i + 4) & 0xffffffffL);
    }

    static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    static void putLong(byte[] b, int i, long v) {
        putInt(b, i, (int) (v >>> 32));
        putInt(b, i + 4, (int) v);
    }

    private static UUID getUuid(byte[] b, int i) {
        return new UUID(getLong(b, i), getLong(b, i + 8));
    }

    private static void putUuid(byte[] b, int i, UUID id) {
        putLong(b, i, id.getMostSignificantBits());
        putLong(b, i + 8, id.getLeastSignificantBits());
    }
}
