package dev.vigil.internal.conn;

import dev.vigil.BackpressurePolicy;
import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.ConnectionClosedException;
import dev.vigil.Delivery;
import dev.vigil.MessageCodec;
import dev.vigil.internal.session.ClientSession;
import dev.vigil.internal.session.ReplayBuffer;
import dev.vigil.internal.session.SessionChannel;
import dev.vigil.internal.session.Settlement;
import dev.vigil.internal.wire.OutBuffer;
import org.jetbrains.annotations.Nullable;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends on a connection with a session: each message is encoded once, into the session's replay buffer, and the
 * writer takes it from there (the buffer replaces the connection's DATA queue; control frames keep theirs). A full
 * buffer is backpressure under the manager's {@link BackpressurePolicy}: BLOCK waits for the peer's ACKs to make room,
 * FAIL fails the send, CLOSE closes the connection as a slow consumer. A connection without a session sends as it
 * always did; the only cost of sessions there is one null check.
 *
 * @param <M> the type of messages
 */
public final class SessionSends<M> {
    private final SessionLink<M> link;
    private final ConnectionCore<M> core;
    private final MessageCodec<M> codec;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final OutBuffer scratch = new OutBuffer();
    private volatile long peerMaxFrame;

    SessionSends(SessionLink<M> link, ConnectionCore<M> core, MessageCodec<M> codec, int maxFrameSize, Clock clock) {
        this.link = link;
        this.core = core;
        this.codec = codec;
        this.clock = clock;
        this.peerMaxFrame = maxFrameSize;
    }

    // ---- from the connection's API ----

    static <M> CompletableFuture<Void> send(Outbound<M> out, M message, BackpressurePolicy policy) {
        SessionLink<M> s = out.session;
        if (s != null && s.active()) {
            return s.sends().sendWritten(message, policy);
        }
        return out.send(message, policy);
    }

    static <M> Delivery confirmed(Outbound<M> out, M message, BackpressurePolicy policy) {
        SessionLink<M> s = out.session;
        return s != null && s.active() ? s.sends().send(message, policy) : unconfirmed(send(out, message, policy));
    }

    /** {@return the policy of a send that must not block (a broadcast)} */
    static BackpressurePolicy noWait(BackpressurePolicy policy) {
        return policy == BackpressurePolicy.BLOCK ? BackpressurePolicy.FAIL : policy;
    }

    /**
     * {@return the futures of a send on a connection without a session: written as {@code send}, delivery fails}
     *
     * @param written the send's future
     */
    public static Delivery unconfirmed(CompletableFuture<Void> written) {
        return new Delivery(written, CompletableFuture.failedFuture(
                new IOException("no session on this connection: delivery cannot be confirmed")));
    }

    void peerMaxFrame(long announced) {
        if (announced > 0) {
            peerMaxFrame = Math.min(peerMaxFrame, announced);
        }
    }

    /** Into the replay buffer, then the writer; blocks, fails or closes on a full buffer as {@code policy} says. */
    Delivery send(M message, BackpressurePolicy policy) {
        try {
            ReplayBuffer.Entry<M> e = append(message, policy);
            return new Delivery(e.written(), e.delivered());
        } catch (Refused r) {
            return failed(r.getCause());
        }
    }

    /** As {@link #send}, for a caller that takes only the written future: no delivery future is made. */
    CompletableFuture<Void> sendWritten(M message, BackpressurePolicy policy) {
        try {
            return append(message, policy).written();
        } catch (Refused r) {
            return CompletableFuture.failedFuture(r.getCause());
        }
    }

    private ReplayBuffer.Entry<M> append(M message, BackpressurePolicy policy) throws Refused {
        SessionChannel<M> ch = Objects.requireNonNull(link.channel());
        boolean slow = false;
        ReplayBuffer.Entry<M> entry;
        lock.lock();
        try {
            byte[] payload;
            try {
                scratch.size = 0;
                codec.encode(message, scratch);
                payload = Arrays.copyOf(scratch.buf, scratch.size);
            } catch (Exception | LinkageError e) {
                throw new Refused(e);
            } finally {
                scratch.trim(4096);
            }
            if (payload.length > peerMaxFrame) {
                throw new Refused(new IOException("message of " + payload.length
                        + " bytes exceeds the maximum frame size of " + peerMaxFrame + " bytes"));
            }
            ReplayBuffer<M> out = ch.link().session().out();
            while (true) {
                CloseReason reason = core.closeReason();
                if (reason != null) {
                    ClientSession<M> client = link.client();
                    if (link.keepsSession() && client != null) {
                        return hold(client, message, payload, clock); // resumed on the next connection
                    }
                    throw new Refused(new ConnectionClosedException(reason));
                }
                ReplayBuffer.Entry<M> e = out.tryAppend(message, payload, clock.nanoTime());
                if (e != null) {
                    entry = e;
                    break;
                }
                if (out.room(payload.length) == ReplayBuffer.Room.OVERFLOWED) {
                    String why = out.overflow();
                    throw new Refused(new IOException(why != null ? why : "the session has ended"));
                }
                if (policy == BackpressurePolicy.FAIL) {
                    throw new Refused(new RejectedExecutionException(core.name() + ": replay buffer full ("
                            + out.size() + " messages, " + out.bytes() + " bytes unconfirmed by the peer)"));
                }
                if (policy == BackpressurePolicy.CLOSE) {
                    slow = true;
                    entry = null;
                    break;
                }
                room.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (slow) {
            core.abort(CloseReason.local(Kind.SLOW_CONSUMER, "peer confirms too slowly: its replay buffer is full"),
                    false);
            throw new Refused(new RejectedExecutionException(core.name() + ": replay buffer full"));
        }
        link.wake();
        return Objects.requireNonNull(entry);
    }

    /** A send that was not taken; its cause is what the send's futures fail with. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /** ACKs made room, or the connection ended: blocked senders look again. */
    void signalRoom() {
        lock.lock();
        try {
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static <M> ReplayBuffer.Entry<M> hold(ClientSession<M> client, M message, byte[] payload, Clock clock)
            throws Refused {
        try {
            return client.hold(message, payload, clock::nanoTime);
        } catch (IOException e) {
            throw new Refused(e);
        }
    }

    private static Delivery failed(Throwable error) {
        return new Delivery(CompletableFuture.failedFuture(error), CompletableFuture.failedFuture(error));
    }

    /**
     * A reconnecting client's sessions: the one {@link ClientSession} of its life, and sends made while it has no
     * connection, held in the session's replay buffer (bounded by it) and written after the replay on the next one.
     *
     * @param <M> the type of messages
     */
    public static final class Shared<M> {
        private final ClientSession<M> session;
        private final MessageCodec<M> codec;
        private final Clock clock;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile @Nullable SessionLink<M> live;

        /**
         * @param session the client's session, for its whole life
         * @param codec   the codec
         * @param clock   the client's clock
         */
        public Shared(ClientSession<M> session, MessageCodec<M> codec, Clock clock) {
            this.session = session;
            this.codec = codec;
            this.clock = clock;
        }

        ClientSession<M> session() {
            return session;
        }

        void live(SessionLink<M> link) {
            live = link;
        }

        void left(SessionLink<M> link) {
            if (live == link) {
                live = null;
            }
        }

        /**
         * {@return the nanoseconds until a held message outgrows the age bound; 0 if one has} While disconnected.
         *
         * @param now the client's ticker time
         */
        public long untilTooOld(long now) {
            return session.untilTooOld(now);
        }

        /**
         * While disconnected: hands every held message back (fails its futures) once the oldest outgrew the age
         * bound; see {@link ClientSession#ageOut}.
         *
         * @param now the client's ticker time
         * @return what happened, for the log; null if nothing outgrew the bound
         */
        public @Nullable String ageOut(long now) {
            ClientSession.AgedOut<M> aged;
            lock.lock();
            try {
                aged = session.ageOut(now);
            } finally {
                lock.unlock();
            }
            if (aged == null) {
                return null;
            }
            SessionEvents.failWritten(aged.entries(), aged.error()); // never written: that fails first
            Settlement.fail(aged.entries(), aged.error());
            return aged.error().getMessage();
        }

        /**
         * A send while there is no open connection.
         *
         * @param message the message
         * @return its futures; both fail at once if the replay buffer overflows (the next resume then fails)
         */
        public Delivery hold(M message) {
            OutBuffer b = new OutBuffer();
            try {
                codec.encode(message, b);
            } catch (Exception | LinkageError e) {
                return failed(e);
            }
            Delivery d;
            lock.lock();
            try {
                ReplayBuffer.Entry<M> e = SessionSends.hold(session, message, Arrays.copyOf(b.buf, b.size), clock);
                d = new Delivery(e.written(), e.delivered());
            } catch (Refused r) {
                d = failed(r.getCause());
            } finally {
                lock.unlock();
            }
            SessionLink<M> l = live;
            if (l != null) {
                l.wake(); // a connection opened meanwhile: its writer takes it
            }
            return d;
        }
    }
}
