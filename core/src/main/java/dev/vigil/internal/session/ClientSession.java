package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionLostException;
import dev.vigil.SessionPolicy;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The client's half of sessions across its connections: the session it carries from one connection to the next, the
 * request it puts in each HELLO and what it makes of the server's answer. Used by one connection attempt at a time
 * (the reconnecting client's thread and the new connection's reader, one after the other).
 *
 * <p>Between connections, sends go into the current session's replay buffer through {@link #hold}, from any thread;
 * the next request then says whether it overflowed. {@link #current()} is volatile and is replaced (by a graceful
 * end or a refused resume) before the old session's buffer is handed back, so a hold that found the old buffer
 * handed back finds the new session on its next look: a send racing the end either lands before it (and is handed
 * back with the rest) or in the new session, never in neither.
 *
 * @param <M> the type of messages
 */
public final class ClientSession<M> {
    private final SessionPolicy policy;
    private volatile Session<M> current;
    private ReceiveCounter.@Nullable Cursor pending;
    private boolean pendingResume;

    /**
     * Starts with an unnamed session, ready to hold sends made before the first connection.
     *
     * @param policy the bounds and ACK timing
     */
    public ClientSession(SessionPolicy policy) {
        this.policy = policy;
        this.current = new Session<>(policy, null, 0);
    }

    /** {@return the session sends go into now} */
    public Session<M> current() {
        return current;
    }

    /**
     * A send while there is no open connection (any thread): into the current session's replay buffer, after
     * checking its age bound at the clock's time.
     *
     * @param message the message
     * @param payload its encoded DATA payload
     * @param clock   the client's clock, read once per look at the current session
     * @return its entry
     * @throws IOException if the buffer overflowed (now or before; the message says why): fail this send at once
     */
    public ReplayBuffer.Entry<M> hold(M message, byte[] payload, LongSupplier clock) throws IOException {
        while (true) {
            Session<M> s = current;
            long now = clock.getAsLong();
            ReplayBuffer<M> out = s.out();
            out.checkAge(now);
            ReplayBuffer.Entry<M> e = out.appendOrOverflow(message, payload, now);
            if (e != null) {
                return e;
            }
            String why = out.overflow();
            if (why != null) {
                throw new IOException(why);
            }
            if (s == current) {
                throw new IOException("the session has ended"); // not reached: the end replaces it first
            }
            // The session ended meanwhile and was replaced: the send goes into the new one.
        }
    }

    /**
     * Disconnected, on the client's ticker: {@return the nanoseconds until a held message outgrows the age bound,
     * 0 if one has} With nothing held, the bound's length: a message held meanwhile cannot outgrow it sooner.
     *
     * @param now the ticker's time
     */
    public long untilTooOld(long now) {
        long left = current.out().untilTooOld(now);
        return left == Long.MAX_VALUE ? policy.replayAge().toNanos() + 1 : left;
    }

    /**
     * Disconnected, on the client's ticker: once the oldest held message has waited longer than the age bound the
     * session can no longer be replayed intact, and every held message is handed back now, not at a resume that may
     * be far off. A named session stays overflowed: its next resume says so, is refused with
     * {@code REPLAY_OVERFLOW} and hands back nothing more. A session the server never named (no connection yet) has
     * nothing to resume and is replaced by a fresh one, which takes later sends.
     *
     * @param now the ticker's time
     * @return the entries handed back and the error to fail them with, or null if no message outgrew the bound
     */
    public @Nullable AgedOut<M> ageOut(long now) {
        Session<M> s = current;
        String why = s.out().untilTooOld(now) == 0 ? s.out().checkAge(now) : null;
        if (why == null) {
            return null;
        }
        UUID id = s.id();
        if (id == null) {
            current = new Session<>(policy, null, 0); // before the hand-back, as in end()
        }
        List<ReplayBuffer.Entry<M>> back = s.out().handBack(-1, new ArrayList<>());
        String detail = (id == null ? "before the first connection" : "session " + id) + ", disconnected: " + why
                + "; " + back.size() + " unconfirmed messages handed back";
        return new AgedOut<>(back, id == null ? new IOException(detail)
                : new SessionLostException(id, ResumeFailure.REPLAY_OVERFLOW, detail));
    }

    /**
     * What {@link #ageOut} handed back.
     *
     * @param entries the entries, oldest first: fail their futures with {@code error}
     * @param error   a {@link SessionLostException} ({@code REPLAY_OVERFLOW}) for a named session, else an
     *                {@link IOException}; its message says which message waited how long
     * @param <M>     the type of messages
     */
    public record AgedOut<M>(List<ReplayBuffer.Entry<M>> entries, IOException error) {
    }

    /**
     * A connection is about to send its HELLO: the request to put in it. From here until {@link #onAnswer}, the
     * client delivers nothing of the server's (the server sends its SESSION frame before any DATA).
     *
     * @return the request: a new session while the current one is unnamed, else a resume with this side's counts
     */
    public SessionWire.Request request() {
        UUID id = current.id();
        pending = current.in().cursor();
        pendingResume = id != null;
        if (id == null) {
            return SessionWire.Request.fresh();
        }
        boolean overflowed = current.out().overflow() != null;
        return new SessionWire.Request(SessionWire.VERSION, true, overflowed, id, current.epoch(), pending.start(),
                current.out().sent());
    }

    /**
     * The server's SESSION frame arrived.
     *
     * @param answer the decoded frame
     * @return what it means; see {@link ClientOutcome}
     * @throws SessionProtocolException if the answer does not fit the request: a second answer, an answer to no
     *                                  request, a resume of another session, counts beyond what was sent or below
     *                                  what was confirmed
     */
    public ClientOutcome<M> onAnswer(SessionWire.Answer answer) throws SessionProtocolException {
        ReceiveCounter.Cursor cursor = pending;
        if (cursor == null) {
            throw new SessionProtocolException("SESSION frame " + answer.outcome()
                    + " answers no request (a second SESSION frame, or one to a client that asked for none)");
        }
        pending = null;
        ReplayBuffer<M> out = current.out();
        switch (answer.outcome()) {
            case STARTED -> {
                if (pendingResume) {
                    throw new SessionProtocolException("SESSION frame STARTED answers a request to resume "
                            + current.id() + " (expected: RESUMED or REFUSED)");
                }
                current.name(answer.id(), answer.epoch());
                out.forgetOverflow(); // sends before the first connection that did not fit failed; the rest go out
                return new ClientOutcome.Started<>(new Link<>(current, cursor, new AckCursor<>(out, 0)), List.of());
            }
            case RESUMED -> {
                if (!pendingResume) {
                    throw new SessionProtocolException("SESSION frame RESUMED answers a request for a new session");
                }
                if (!answer.id().equals(current.id()) || answer.epoch() != current.epoch()) {
                    throw new SessionProtocolException("SESSION frame resumes " + answer.id() + " in epoch "
                            + Long.toUnsignedString(answer.epoch()) + ", but the client presented " + current.id()
                            + " in epoch " + Long.toUnsignedString(current.epoch()));
                }
                if (out.overflow() != null) {
                    throw new SessionProtocolException("SESSION frame resumes " + answer.id()
                            + " although the client's request said its replay buffer overflowed");
                }
                checkPeerSent(answer, cursor);
                List<ReplayBuffer.Entry<M>> released = new ArrayList<>();
                List<ReplayBuffer.Entry<M>> replay = out.replayAfter(answer.delivered(), released);
                Link<M> link = new Link<>(current, cursor, new AckCursor<>(out, answer.delivered()));
                return new ClientOutcome.Resumed<>(link, released, replay.size(), answer.sent() - cursor.start());
            }
            case REFUSED -> {
                if (!pendingResume) {
                    throw new SessionProtocolException("SESSION frame REFUSED answers a request for a new session");
                }
                ResumeFailure reason = answer.reason();
                if (reason == null) {
                    throw new IllegalStateException("a decoded REFUSED answer has a reason");
                }
                long known = -1;
                if (answer.countsKnown()) {
                    if (answer.delivered() > out.sent() || answer.delivered() < out.acknowledged()) {
                        throw new SessionProtocolException("SESSION frame REFUSED says the server delivered "
                                + answer.delivered() + " of the client's frames (expected: " + out.acknowledged()
                                + " to " + out.sent() + ")");
                    }
                    checkPeerSent(answer, cursor);
                    known = answer.delivered();
                }
                Session<M> ended = current;
                UUID old = ended.requireId();
                Session<M> next = new Session<>(policy, answer.id(), answer.epoch());
                current = next; // before the hand-back: a racing hold that finds the old buffer closed looks again
                ended.in().seal();
                List<ReplayBuffer.Entry<M>> released = new ArrayList<>();
                List<ReplayBuffer.Entry<M>> back = out.handBack(known, released);
                String detail = "session " + old + " not resumed (" + reason + "): " + back.size()
                        + " messages handed back" + (known < 0 ? " (the server's counts are unknown)"
                        : ", " + released.size() + " confirmed by the server's count");
                Link<M> link = Link.open(next, 0);
                return new ClientOutcome.Refused<>(link, released, old, reason, detail, back);
            }
            default -> throw new IllegalStateException("unknown outcome " + answer.outcome());
        }
    }

    /**
     * The session ended by a graceful close (a CLOSE frame either way): the next connection starts a new one.
     *
     * @return the entries the server never confirmed, oldest first: fail their futures with the close's exception
     */
    public List<ReplayBuffer.Entry<M>> end() {
        pending = null;
        Session<M> ended = current;
        current = new Session<>(policy, null, 0); // before the hand-back, as in a refused resume
        ended.in().seal();
        return ended.out().handBack(-1, new ArrayList<>());
    }

    private static void checkPeerSent(SessionWire.Answer answer, ReceiveCounter.Cursor cursor)
            throws SessionProtocolException {
        if (answer.sent() < cursor.start()) {
            throw new SessionProtocolException("SESSION frame says the server sent " + answer.sent()
                    + " frames, but the client delivered " + cursor.start());
        }
    }
}
