package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionPolicy;
import org.jetbrains.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The client's half of sessions across its connections: the session it carries from one connection to the next, the
 * request it puts in each HELLO and what it makes of the server's answer. Used by one connection attempt at a time
 * (the reconnecting client's thread and the new connection's reader, one after the other).
 *
 * <p>Between connections, sends go into {@link #current()}'s replay buffer with
 * {@link ReplayBuffer#appendOrOverflow}; the next request then says whether it overflowed.
 *
 * @param <M> the type of messages
 */
public final class ClientSession<M> {
    private final SessionPolicy policy;
    private Session<M> current;
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
                UUID old = current.requireId();
                current.in().seal();
                List<ReplayBuffer.Entry<M>> released = new ArrayList<>();
                List<ReplayBuffer.Entry<M>> back = out.handBack(known, released);
                String detail = "session " + old + " not resumed (" + reason + "): " + back.size()
                        + " messages handed back" + (known < 0 ? " (the server's counts are unknown)"
                        : ", " + released.size() + " confirmed by the server's count");
                current = new Session<>(policy, answer.id(), answer.epoch());
                Link<M> link = Link.open(current, 0);
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
        current.in().seal();
        List<ReplayBuffer.Entry<M>> back = current.out().handBack(-1, new ArrayList<>());
        current = new Session<>(policy, null, 0);
        return back;
    }

    private static void checkPeerSent(SessionWire.Answer answer, ReceiveCounter.Cursor cursor)
            throws SessionProtocolException {
        if (answer.sent() < cursor.start()) {
            throw new SessionProtocolException("SESSION frame says the server sent " + answer.sent()
                    + " frames, but the client delivered " + cursor.start());
        }
    }
}
