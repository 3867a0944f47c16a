package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionClosedException;
import dev.vigil.SessionListener;
import dev.vigil.internal.session.Admission;
import dev.vigil.internal.session.ClientOutcome;
import dev.vigil.internal.session.ClientSession;
import dev.vigil.internal.session.Link;
import dev.vigil.internal.session.ReceiveCounter;
import dev.vigil.internal.session.ReplayBuffer;
import dev.vigil.internal.session.SessionChannel;
import dev.vigil.internal.session.SessionProtocolException;
import dev.vigil.internal.session.SessionTable;
import dev.vigil.internal.session.SessionWire;
import dev.vigil.internal.session.Settlement;
import dev.vigil.internal.wire.Fatal;
import dev.vigil.internal.wire.Hello;
import dev.vigil.internal.wire.OutBuffer;
import dev.vigil.internal.wire.Wire;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection's part in a session ({@code docs/protocol.md}, section 5), at the core's fixed points: the session
 * option in the HELLO, the SESSION answer, DATA numbering, ACKs in and out, sends into the replay buffer, the writer's
 * replay, the timer's ACK deadline and the session's fate when the connection ends. Only a manager with a
 * {@code SessionPolicy} gives its connections one; without it the core's only cost is a null check.
 *
 * <p>Threads: {@link #hello}, {@link #negotiated}, {@link #onFrame}, {@link #onData}, {@link #opened} and
 * {@link #ended} on the reader; {@link #encode} and {@link #written} by the writer under the write lock;
 * {@link #onTimer} on the timer; {@link #send} from anyone. Listener events go through the connection's dispatch.
 *
 * @param <M> the type of messages
 */
public final class SessionLink<M> {
    private final @Nullable SessionTable<M, Connection<M>> table;
    private final @Nullable ClientSession<M> client;
    /** A reconnecting client's sessions, which outlive this connection; null for a plain connect or a server. */
    private final SessionSends.@Nullable Shared<M> shared;
    private final Runnable lingering;
    private @Nullable ConnectionCore<M> core;
    private @Nullable SessionSends<M> sends;
    private @Nullable SessionListener<M> listener;
    private Clock clock = System::nanoTime;
    private volatile @Nullable SessionChannel<M> channel;
    private volatile boolean awaitingAnswer;
    private @Nullable Runnable events;
    private final AtomicReference<byte @Nullable []> ack = new AtomicReference<>();
    /** The writer's batch, from {@link #encode} to {@link #written}; reused, so a batch allocates no list. */
    private final List<ReplayBuffer.Entry<M>> writing = new ArrayList<>(FrameWriter.BATCH);
    private final List<ReplayBuffer.Entry<M>> acked = new ArrayList<>(); // the reader's, for each ACK's entries
    private volatile boolean closeFrame;
    private volatile @Nullable SessionFallback<M> fallback;
    private final SessionAckTimer ackTimer = new SessionAckTimer();

    /**
     * A server connection's link.
     *
     * @param table     the manager's session table
     * @param lingering told when a session starts lingering, so the expiry timer looks again
     * @param <M>       the type of messages
     * @return the link
     */
    public static <M> SessionLink<M> server(SessionTable<M, Connection<M>> table, Runnable lingering) {
        return new SessionLink<>(table, null, null, lingering);
    }

    /**
     * A plain connect's link: its session ends with the connection.
     *
     * @param client a fresh client session
     * @param <M>    the type of messages
     * @return the link
     */
    public static <M> SessionLink<M> client(ClientSession<M> client) {
        return new SessionLink<>(null, client, null, () -> { });
    }

    /**
     * A reconnecting client's link: its session outlives the connection and is resumed on the next one.
     *
     * @param shared the client's sessions
     * @param <M>    the type of messages
     * @return the link
     */
    public static <M> SessionLink<M> client(SessionSends.Shared<M> shared) {
        return new SessionLink<>(null, shared.session(), shared, () -> { });
    }

    private SessionLink(@Nullable SessionTable<M, Connection<M>> table, @Nullable ClientSession<M> client,
                        SessionSends.@Nullable Shared<M> shared, Runnable lingering) {
        this.table = table;
        this.client = client;
        this.shared = shared;
        this.lingering = lingering;
    }

    /**
     * Makes this the session part of {@code connection}; before it starts.
     *
     * @param connection the connection
     * @param events     its listener; session events go to it if it is a {@link SessionListener}
     * @param time       the connection's clock
     */
    public void attach(ConnectionCore<M> connection, ConnectionListener<M> events, Clock time) {
        this.core = connection;
        this.clock = time;
        this.listener = events instanceof SessionListener<M> l ? l : null;
        this.sends = new SessionSends<>(this, connection, connection.settings().codec(),
                connection.settings().maxFrameSize(), time);
        connection.outbound.session = this;
    }

    private ConnectionCore<M> core() {
        ConnectionCore<M> c = core;
        if (c == null) {
            throw new IllegalStateException("session link not attached to a connection");
        }
        return c;
    }

    /** {@return whether sends go into the session's replay buffer} */
    boolean active() {
        return channel != null;
    }

    // ---- the handshake (reader) ----

    /** {@return this side's HELLO with its session option} */
    byte[] hello(byte[] base, long now) {
        if (table != null) {
            return Hello.withOption(base, table.offer().encode());
        }
        ClientSession<M> c = Objects.requireNonNull(client);
        c.current().out().checkAge(now);
        return Hello.withOption(base, c.request().encode());
    }

    /**
     * The peer's HELLO arrived. A server admits the request and writes the SESSION frame; a client without an offer
     * carries on without a session.
     *
     * @return whether the connection opens now; false when the client waits for the SESSION frame
     */
    boolean negotiated(Hello hello, long now) throws Fatal {
        sends().peerMaxFrame(hello.maxFrame());
        ConnectionCore<M> c = core();
        if (table != null) {
            byte[] raw = hello.sessionRequest();
            if (raw == null) {
                return true;
            }
            Admission<M, Connection<M>> admission;
            try {
                admission = table.admit(SessionWire.decodeRequest(raw, 0, raw.length), c, now);
            } catch (SessionProtocolException e) {
                throw new Fatal(Kind.PROTOCOL_ERROR, e.getMessage());
            }
            Link<M> link = switch (admission) {
                case Admission.Violation<M, Connection<M>> v -> throw new Fatal(Kind.PROTOCOL_ERROR, v.message());
                case Admission.Full<M, Connection<M>> f -> throw new Fatal(Kind.REJECTED, f.message());
                case Admission.Started<M, Connection<M>> s -> s.link();
                case Admission.Resumed<M, Connection<M>> r -> r.link();
                case Admission.Refused<M, Connection<M>> r -> r.link();
            };
            SessionWire.Answer answer = Objects.requireNonNull(admission.answer());
            try {
                c.outbound.writeHello(answer.encode()); // the first frame after the HELLO
            } catch (IOException e) {
                throw new Fatal(Kind.IO_ERROR, "could not write the SESSION frame: " + e.getMessage(), e);
            }
            channel = new SessionChannel<>(link);
            events = () -> SessionEvents.server(c, listener, admission);
            return true;
        }
        byte[] offer = hello.sessionOffer();
        if (offer == null) {
            withoutSession(c);
            return true;
        }
        try {
            SessionWire.decodeOffer(offer, 0, offer.length);
        } catch (SessionProtocolException e) {
            throw new Fatal(Kind.PROTOCOL_ERROR, e.getMessage());
        }
        awaitingAnswer = true;
        return false;
    }

    /** The server keeps no sessions: what the client held goes out first as plain DATA, nobody confirming it. */
    private void withoutSession(ConnectionCore<M> c) {
        List<ReplayBuffer.Entry<M>> held = Objects.requireNonNull(client).end();
        Settlement.fail(held, new IOException("no session: " + c.remoteAddress() + " does not keep sessions"));
        fallback = held.isEmpty() ? null : new SessionFallback<>(held); // a writer takes it once the connection opened
    }

    /** A SESSION or ACK frame arrived. */
    void onFrame(byte type, byte[] b, int off, int len) throws Fatal {
        SessionChannel<M> ch = channel;
        if (ch == null && !awaitingAnswer) {
            throw new Fatal(Kind.PROTOCOL_ERROR, String.format(
                    "peer sent a frame of unknown type 0x%02x (%d bytes)", type, len));
        }
        try {
            if (type == Wire.SESSION) {
                if (table != null) {
                    throw new Fatal(Kind.PROTOCOL_ERROR, "SESSION frame from a client (only a server answers)");
                }
                ClientOutcome<M> outcome = Objects.requireNonNull(client)
                        .onAnswer(SessionWire.decodeAnswer(b, off, len));
                awaitingAnswer = false;
                channel = new SessionChannel<>(outcome.link());
                events = () -> SessionEvents.client(core(), listener, outcome);
                core().open();
                return;
            }
            if (ch == null) {
                throw new Fatal(Kind.PROTOCOL_ERROR, "expected a SESSION frame, got ACK");
            }
            try {
                ch.onAck(b, off, len, acked);
                SessionEvents.confirm(core(), acked);
            } finally {
                acked.clear(); // the reader's own list, reused for every ACK
            }
            sends().signalRoom();
        } catch (SessionProtocolException e) {
            throw new Fatal(Kind.PROTOCOL_ERROR, e.getMessage());
        }
    }

    /** {@return whether to deliver the DATA frame that arrived; false drops a replayed copy or an ended session's} */
    boolean onData(long now) throws Fatal {
        if (awaitingAnswer) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "expected a SESSION frame, got DATA");
        }
        SessionChannel<M> ch = channel;
        return ch == null || ch.onData(now) == ReceiveCounter.Verdict.DELIVER;
    }

    /** The application was handed a DATA frame: an ACK if one is due by count, else the timer at its deadline. */
    void delivered(long now) {
        SessionChannel<M> ch = channel;
        if (ch == null) {
            return;
        }
        if (ch.link().session().in().ackDue(now)) {
            requestAck(ch.piggyback());
            return;
        }
        long deadline = ch.nextDeadline();
        if (ackTimer.arm(deadline)) {
            core().schedule(deadline);
        }
    }

    /** The connection opened (after {@code onOpen}): settle and report what the handshake decided. */
    void opened() {
        Runnable r = events;
        events = null;
        if (shared != null && channel != null) {
            shared.live(this);
        }
        if (r != null) {
            r.run();
        }
        wake();
    }

    // ---- sends ----

    SessionSends<M> sends() {
        return Objects.requireNonNull(sends, "session link not attached");
    }

    @Nullable ClientSession<M> client() {
        return client;
    }

    @Nullable SessionChannel<M> channel() {
        return channel;
    }

    boolean keepsSession() {
        return shared != null;
    }

    /** Session frames wait: a writer takes them (inline on the reader, which writes once its read is handled). */
    void wake() {
        ConnectionCore<M> c = core();
        Outbound<M> out = c.outbound;
        boolean inline = false;
        boolean spawn = false;
        out.lock.lock();
        try {
            if (!out.outputClosed && !out.writerActive) {
                out.writerActive = true;
                inline = c.onReader();
                spawn = !inline;
            }
        } finally {
            out.lock.unlock();
        }
        out.startWriting(inline, spawn);
    }

    void requestAck(byte @Nullable [] frame) {
        if (frame != null) {
            ack.set(frame);
            wake();
        }
    }

    // ---- the writer ----

    /** {@return whether the writer has session frames to write} Under the outbound lock. */
    boolean wantsWrite() {
        SessionChannel<M> ch = channel;
        return ch != null ? ack.get() != null || ch.hasData() : hasData();
    }

    /** {@return whether DATA frames wait to be written} (a CLOSE waits for them) */
    boolean hasData() {
        SessionChannel<M> ch = channel;
        SessionFallback<M> fb = fallback;
        return ch != null ? ch.hasData() : fb != null && fb.hasData();
    }

    /** Encodes the owed ACK, then up to {@code max} DATA frames (replay first); returns the frames encoded. */
    int encode(OutBuffer out, int max) {
        SessionChannel<M> ch = channel;
        if (ch == null) {
            SessionFallback<M> fb = fallback;
            return fb == null ? 0 : fb.encode(out, max);
        }
        byte[] owed = ack.getAndSet(null);
        List<ReplayBuffer.Entry<M>> next = writing;
        next.clear(); // what a failed write left stays in the buffer for the replay
        ch.pull(max, next);
        if (!next.isEmpty()) {
            byte[] piggyback = ch.piggyback();
            if (piggyback != null) {
                owed = piggyback; // a newer count covers the older one
            }
        }
        int frames = 0;
        if (owed != null) {
            out.write(owed, 0, owed.length);
            frames++;
        }
        for (ReplayBuffer.Entry<M> e : next) {
            SessionFallback.data(out, e.payload());
            frames++;
        }
        return frames;
    }

    /** The writer wrote what {@link #encode} gave it (after a failed write the frames stay for the replay). */
    void written() {
        SessionFallback<M> fb = fallback;
        if (fb != null) {
            fb.written();
        }
        for (ReplayBuffer.Entry<M> e : writing) {
            e.written().complete(null);
        }
        writing.clear();
    }

    /** A CLOSE frame is about to be written: the final ACK goes ahead of it; returns the frames encoded. */
    int beforeClose(OutBuffer out) {
        SessionChannel<M> ch = channel;
        byte[] last = ch == null ? null : ch.piggyback();
        if (last == null) {
            return 0;
        }
        out.write(last, 0, last.length);
        return 1;
    }

    /**
     * The peer's CLOSE frame was read: the session ends gracefully with the connection. Writing our own CLOSE is not
     * enough: a peer that never read it still holds the session, and so must we.
     */
    void closeFrame() {
        closeFrame = true;
    }

    // ---- the timer ----

    /** The timer fired: an ACK if one is due by time; returns the earlier of {@code next} and the ACK deadline. */
    long onTimer(long now, long next) {
        SessionChannel<M> ch = channel;
        if (ch == null || core().closeReason() != null) {
            return next;
        }
        requestAck(ch.onTimer(now));
        return ackTimer.fired(next, ch::nextDeadline);
    }

    // ---- the end (reader, after onClose) ----

    /** The connection ended: a graceful end ends the session, an abnormal one leaves it to a resume. */
    void ended(CloseReason reason) {
        long now = clock.nanoTime();
        if (shared != null) {
            shared.left(this);
        }
        SessionChannel<M> ch = channel;
        awaitingAnswer = false;
        sends().signalRoom();
        SessionFallback<M> fb = fallback;
        if (fb != null) {
            SessionEvents.failWritten(fb.unwritten(core().outbound.lock), new ConnectionClosedException(reason));
        }
        if (ch == null) {
            return;
        }
        List<ReplayBuffer.Entry<M>> back;
        if (table != null) {
            back = table.detach(ch.link(), !closeFrame, now);
            if (!closeFrame) {
                lingering.run();
            }
        } else if (closeFrame || shared == null) {
            back = Objects.requireNonNull(client).end();
        } else {
            back = List.of(); // the client presents the session on its next connection
        }
        if (!back.isEmpty()) {
            ConnectionClosedException closed = new ConnectionClosedException(reason);
            Settlement.fail(back, closed);
            SessionEvents.failWritten(back, closed);
        }
    }

}
