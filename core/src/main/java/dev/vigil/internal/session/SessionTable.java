package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionPolicy;
import org.jetbrains.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The server's sessions: it names new ones, validates resume requests, keeps a session whose connection died
 * abnormally for the linger, and lets it go when nobody came back, reporting that once. Bounded: at most
 * {@code maxSessions} sessions, connected or lingering, and as many remembered endings (so a late client hears
 * {@link ResumeFailure#EXPIRED} rather than {@link ResumeFailure#UNKNOWN_SESSION}).
 *
 * <p>The epoch is drawn at random when the table is made, that is, when the server starts: a server that lost its
 * sessions (a restart) has another epoch, and a client presenting the old one hears
 * {@link ResumeFailure#EPOCH_CHANGED}. Time is a pure argument: {@link #poll(long)} expires what is due at
 * {@code now}, {@link #nextDeadline()} says when to call it next. Thread-safe; it calls nothing outside while holding
 * its lock, and never completes a future (callers do, from the returned entries).
 *
 * @param <M> the type of messages
 * @param <C> the type of the connections that carry sessions, reported back in displacements and expiries
 */
public final class SessionTable<M, C> {
    private final SessionPolicy policy;
    private final long epoch;
    private final long lingerNanos;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<UUID, Slot<M, C>> sessions = new HashMap<>();
    /** Sessions without a connection, in order of their connection's death, which is the order of their deadlines. */
    private final LinkedHashMap<UUID, Slot<M, C>> lingering = new LinkedHashMap<>();
    /** Sessions that ended, with the server's counts, so a late resume is refused with what the server knew. */
    private final LinkedHashMap<UUID, Ended> ended;

    /** What the server remembers of a session it let go: its counts. */
    private record Ended(long delivered, long sent) {
    }

    private static final class Slot<M, C> {
        final Session<M> session;
        @Nullable Link<M> link;
        C connection;
        long lingerUntil;

        Slot(Session<M> session, Link<M> link, C connection) {
            this.session = session;
            this.link = link;
            this.connection = connection;
        }
    }

    /**
     * Makes an empty table with a fresh epoch.
     *
     * @param policy the bounds, linger and ACK timing
     * @param random where session ids and the epoch come from: {@link java.security.SecureRandom} in a server (an id
     *               is a bearer token), a seeded generator in tests
     */
    public SessionTable(SessionPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
        this.lingerNanos = policy.linger().toNanos();
        long e;
        do {
            e = random.nextLong();
        } while (e == 0);
        this.epoch = e;
        int maxEnded = policy.maxSessions();
        this.ended = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Ended> eldest) {
                return size() > maxEnded;
            }
        };
    }

    /** {@return this server's epoch, nonzero} */
    public long epoch() {
        return epoch;
    }

    /** {@return the HELLO option this server announces} */
    public SessionWire.Offer offer() {
        return new SessionWire.Offer(SessionWire.VERSION, policy.linger().toMillis());
    }

    /**
     * A client's HELLO carried a session request: start a session, or resume the one presented.
     *
     * @param request    the decoded request
     * @param connection the connection it arrived on, which owns the link if one is made
     * @param now        the ticker's time
     * @return the decision, with the answer to write
     */
    public Admission<M, C> admit(SessionWire.Request request, C connection, long now) {
        lock.lock();
        try {
            if (!request.resume()) {
                return start(connection, null);
            }
            UUID id = request.id();
            if (id == null) {
                throw new IllegalArgumentException("a resume request names a session");
            }
            if (request.epoch() != epoch) {
                return refuse(id, ResumeFailure.EPOCH_CHANGED, "session " + id + " is from epoch "
                        + Long.toUnsignedString(request.epoch()) + ", this server's is "
                        + Long.toUnsignedString(epoch) + " (it restarted and lost its sessions)", null, connection);
            }
            Slot<M, C> slot = sessions.get(id);
            if (slot == null) {
                Ended counts = ended.remove(id);
                if (counts != null) {
                    return refuse(id, ResumeFailure.EXPIRED, "session " + id + " expired after its linger of "
                            + policy.linger(), counts, connection);
                }
                return refuse(id, ResumeFailure.UNKNOWN_SESSION, "session " + id + " is unknown to this server",
                        null, connection);
            }
            return resume(slot, request, connection, now);
        } finally {
            lock.unlock();
        }
    }

    private Admission<M, C> resume(Slot<M, C> slot, SessionWire.Request request, C connection, long now) {
        Session<M> session = slot.session;
        UUID id = session.requireId();
        long deliveredHere = session.in().delivered();
        if (request.sent() < deliveredHere) {
            return new Admission.Violation<>("session resume request says the client sent " + request.sent()
                    + " frames, but the server delivered " + deliveredHere);
        }
        if (request.delivered() > session.out().sent() || request.delivered() < session.out().acknowledged()) {
            return new Admission.Violation<>("session resume request says the client delivered "
                    + request.delivered() + " of the server's frames (expected: " + session.out().acknowledged()
                    + " to " + session.out().sent() + ", what was acknowledged to what was sent)");
        }
        String overflow = request.overflowed() ? "the client's replay buffer overflowed while disconnected"
                : slot.link == null ? session.out().checkAge(now) : session.out().overflow();
        if (overflow != null) {
            C displaced = slot.link != null ? slot.connection : null;
            remove(slot);
            long delivered = session.in().seal();
            List<ReplayBuffer.Entry<M>> released = new ArrayList<>();
            List<ReplayBuffer.Entry<M>> back = session.out().handBack(request.delivered(), released);
            Admission.Started<M, C> fresh = (Admission.Started<M, C>) start(connection, null);
            SessionWire.Answer answer = new SessionWire.Answer(SessionWire.Outcome.REFUSED,
                    ResumeFailure.REPLAY_OVERFLOW, true, fresh.answer().id(), epoch, delivered, session.out().sent());
            return new Admission.Refused<>(fresh.link(), answer, id, ResumeFailure.REPLAY_OVERFLOW,
                    "session " + id + " not resumed: " + overflow, released, back, displaced);
        }
        C displaced = slot.link != null ? slot.connection : null;
        lingering.remove(id);
        Link<M> link = Link.open(session, request.delivered());
        List<ReplayBuffer.Entry<M>> released = new ArrayList<>();
        List<ReplayBuffer.Entry<M>> replay;
        try {
            replay = session.out().replayAfter(request.delivered(), released);
        } catch (SessionProtocolException e) {
            throw new IllegalStateException("counts were checked above", e);
        }
        slot.link = link;
        slot.connection = connection;
        long start = link.data().start();
        SessionWire.Answer answer = new SessionWire.Answer(SessionWire.Outcome.RESUMED, null, true, id, epoch, start,
                session.out().sent());
        return new Admission.Resumed<>(link, answer, released, replay.size(), request.sent() - start, displaced);
    }

    private Admission<M, C> refuse(UUID old, ResumeFailure reason, String detail, @Nullable Ended counts,
                                   C connection) {
        Admission<M, C> fresh = start(connection, old);
        if (!(fresh instanceof Admission.Started<M, C> started)) {
            return fresh;
        }
        boolean known = counts != null;
        SessionWire.Answer answer = new SessionWire.Answer(SessionWire.Outcome.REFUSED, reason, known,
                started.answer().id(), epoch, known ? counts.delivered() : 0, known ? counts.sent() : 0);
        return new Admission.Refused<>(started.link(), answer, old, reason, detail, List.of(), List.of(), null);
    }

    private Admission<M, C> start(C connection, @Nullable UUID refused) {
        if (sessions.size() >= policy.maxSessions()) {
            return new Admission.Full<>("session table full: " + sessions.size() + " sessions, " + lingering.size()
                    + " of them lingering (maxSessions " + policy.maxSessions() + ")"
                    + (refused == null ? "" : "; session " + refused + " could not be resumed either"));
        }
        UUID id;
        do {
            id = new UUID(random.nextLong() & ~0xf000L | 0x4000L, random.nextLong() & ~(3L << 62) | 1L << 63);
        } while (sessions.containsKey(id) || ended.containsKey(id));
        Session<M> session = new Session<>(policy, id, epoch);
        Link<M> link = Link.open(session, 0);
        sessions.put(id, new Slot<>(session, link, connection));
        return new Admission.Started<>(link, new SessionWire.Answer(SessionWire.Outcome.STARTED, null, false, id,
                epoch, 0, 0));
    }

    /**
     * A connection carrying a session ended. A stale link (one a resume displaced) changes nothing.
     *
     * @param link     the connection's link
     * @param abnormal true when it died without a CLOSE frame either way: the session lingers; false for a graceful
     *                 close: the session ends now
     * @param now      the ticker's time
     * @return when the session ended now, its entries the client did not confirm (fail their futures with the close
     *         reason); empty otherwise
     */
    public List<ReplayBuffer.Entry<M>> detach(Link<M> link, boolean abnormal, long now) {
        lock.lock();
        try {
            UUID id = link.session().requireId();
            Slot<M, C> slot = sessions.get(id);
            if (slot == null || slot.link != link) {
                return List.of();
            }
            slot.link = null;
            if (abnormal) {
                slot.lingerUntil = now + lingerNanos;
                lingering.put(id, slot);
                return List.of();
            }
            remove(slot);
            slot.session.in().seal();
            return slot.session.out().handBack(-1, new ArrayList<>());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets go of every lingering session whose linger ran out by {@code now}. Each is reported once; a later resume
     * of it is refused with {@link ResumeFailure#EXPIRED}.
     *
     * @param now the ticker's time
     * @return the expired sessions, in order of their connections' deaths
     */
    public List<Expiry<M, C>> poll(long now) {
        lock.lock();
        try {
            List<Expiry<M, C>> out = new ArrayList<>();
            Iterator<Slot<M, C>> it = lingering.values().iterator();
            while (it.hasNext()) {
                Slot<M, C> slot = it.next();
                if (now - slot.lingerUntil < 0) {
                    break; // deadlines come in order
                }
                it.remove();
                UUID id = slot.session.requireId();
                sessions.remove(id);
                long delivered = slot.session.in().seal();
                ended.put(id, new Ended(delivered, slot.session.out().sent()));
                out.add(new Expiry<>(id, slot.connection, slot.session.out().handBack(-1, new ArrayList<>())));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The server shuts down: every session ends, connected or lingering, without expiry events (a restarted server
     * has another epoch anyway).
     *
     * @return every session's entries the client did not confirm: fail their futures with the shutdown's reason
     */
    public List<ReplayBuffer.Entry<M>> endAll() {
        lock.lock();
        try {
            List<ReplayBuffer.Entry<M>> out = new ArrayList<>();
            for (Slot<M, C> slot : sessions.values()) {
                slot.session.in().seal();
                out.addAll(slot.session.out().handBack(-1, new ArrayList<>()));
            }
            sessions.clear();
            lingering.clear();
            ended.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** {@return when {@link #poll} next has something to do, in ticker nanoseconds; Long.MAX_VALUE if never} */
    public long nextDeadline() {
        lock.lock();
        try {
            Iterator<Slot<M, C>> it = lingering.values().iterator();
            return it.hasNext() ? it.next().lingerUntil : Long.MAX_VALUE;
        } finally {
            lock.unlock();
        }
    }

    private void remove(Slot<M, C> slot) {
        UUID id = slot.session.requireId();
        sessions.remove(id);
        lingering.remove(id);
        slot.link = null;
    }

    /** {@return how many sessions the table holds, connected or lingering} */
    public int size() {
        lock.lock();
        try {
            return sessions.size();
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many of them are lingering} */
    public int lingering() {
        lock.lock();
        try {
            return lingering.size();
        } finally {
            lock.unlock();
        }
    }
}
