package dev.vigil.internal.session;

import dev.vigil.SessionPolicy;
import org.jetbrains.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One side's outbound half of a session: every DATA frame sent in the session, numbered from 1 in send order, held
 * until the peer's cumulative count covers it. Bounded by messages, bytes and (while disconnected) age.
 *
 * <p>Thread-safe: senders append while the reader applies ACKs. Nothing here completes a future or calls out while
 * holding the lock: methods return the entries whose futures the caller completes.
 *
 * <p>Two regimes of a full buffer, chosen by the caller. Connected, {@link #room} says {@link Room#FULL} and the send
 * waits or fails as the backpressure policy says; the buffer is unchanged. Disconnected, {@link #overflow} or
 * {@link #checkAge} marks the buffer overflowed for good: the session can no longer be replayed intact, every later
 * append is refused, and the next resume is refused with {@code REPLAY_OVERFLOW}. What the buffer holds stays until
 * the resume says which of it the peer delivered.
 *
 * @param <M> the type of messages
 */
public final class ReplayBuffer<M> {
    private final int maxMessages;
    private final long maxBytes;
    private final long maxAgeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry<M>> entries = new ArrayDeque<>();
    private long sent;
    private long acknowledged;
    private long bytes;
    private @Nullable String overflow;
    private boolean closed;

    /** Whether a message of a given size can be appended now. */
    public enum Room {
        /** It fits. */
        OK,
        /** It would exceed a bound; connected, the send waits for ACKs or fails. */
        FULL,
        /** The buffer overflowed while disconnected, or was handed back: nothing more is accepted. */
        OVERFLOWED
    }

    /**
     * One sent message. Its delivery future is made only when someone asks for it ({@link LazyDelivery}).
     *
     * @param <M> the type of messages
     */
    public static final class Entry<M> extends LazyDelivery {
        private final long position;
        private final M message;
        private final byte[] payload;
        private final long sentAt;
        private final CompletableFuture<Void> written = new CompletableFuture<>();

        Entry(long position, M message, byte[] payload, long sentAt) {
            this.position = position;
            this.message = message;
            this.payload = payload;
            this.sentAt = sentAt;
        }

        /** {@return its number in the session, from 1} */
        public long position() {
            return position;
        }

        /** {@return the message, for handing it back} */
        public M message() {
            return message;
        }

        /** {@return its encoded DATA payload, written again on replay} */
        public byte[] payload() {
            return payload;
        }

        /** {@return when it was appended, in ticker nanoseconds} */
        public long sentAt() {
            return sentAt;
        }

        /** {@return completes when a connection first wrote its frame (a replay completes it again: no change)} */
        public CompletableFuture<Void> written() {
            return written;
        }
    }

    /**
     * Makes an empty buffer.
     *
     * @param policy the bounds
     */
    public ReplayBuffer(SessionPolicy policy) {
        this.maxMessages = policy.replayMessages();
        this.maxBytes = policy.replayBytes();
        this.maxAgeNanos = policy.replayAge().toNanos();
    }

    /**
     * {@return whether a message of {@code size} encoded bytes fits now}
     *
     * @param size its encoded size
     */
    public Room room(int size) {
        lock.lock();
        try {
            if (overflow != null || closed) {
                return Room.OVERFLOWED;
            }
            return fits(size) ? Room.OK : Room.FULL;
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(int size) {
        return entries.size() < maxMessages && bytes + size <= maxBytes;
    }

    /**
     * Appends a message that {@link #room} said fits.
     *
     * @param message the message
     * @param payload its encoded DATA payload
     * @param now     the ticker's time
     * @return its entry, with the next position and a fresh written future
     * @throws IllegalStateException if it does not fit or the buffer overflowed (check {@link #room} first)
     */
    public Entry<M> append(M message, byte[] payload, long now) {
        lock.lock();
        try {
            if (overflow != null || closed) {
                throw new IllegalStateException("replay buffer " + (closed ? "handed back" : "overflowed: " + overflow));
            }
            if (!fits(payload.length)) {
                throw new IllegalStateException("a " + payload.length + "-byte message does not fit: " + describe());
            }
            Entry<M> e = new Entry<>(++sent, message, payload, now);
            entries.addLast(e);
            bytes += payload.length;
            return e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Connected: appends the message if {@link #room} would say it fits, in one step.
     *
     * @param message the message
     * @param payload its encoded DATA payload
     * @param now     the ticker's time
     * @return its entry, or null when it does not fit or the buffer overflowed ({@link #room} says which)
     */
    public @Nullable Entry<M> tryAppend(M message, byte[] payload, long now) {
        lock.lock();
        try {
            return overflow == null && !closed && fits(payload.length) ? append(message, payload, now) : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Disconnected: appends the message if it fits, else marks the buffer overflowed for good.
     *
     * @param message the message
     * @param payload its encoded DATA payload
     * @param now     the ticker's time
     * @return its entry, or null when it did not fit or the buffer had overflowed already ({@link #overflow()} says
     *         why; the caller fails this send at once)
     */
    public @Nullable Entry<M> appendOrOverflow(M message, byte[] payload, long now) {
        lock.lock();
        try {
            if (overflow != null || closed) {
                return null;
            }
            if (!fits(payload.length)) {
                overflow = "a " + payload.length + "-byte message did not fit while disconnected: " + describe();
                return null;
            }
            return append(message, payload, now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Disconnected: marks the buffer overflowed if its oldest message has waited longer than the age bound.
     *
     * @param now the ticker's time
     * @return why it overflowed (now or before), or null if it has not
     */
    public @Nullable String checkAge(long now) {
        lock.lock();
        try {
            Entry<M> oldest = entries.peekFirst();
            if (overflow == null && !closed && oldest != null && now - oldest.sentAt() > maxAgeNanos) {
                overflow = String.format(Locale.ROOT, "message #%d waited %dms unacknowledged while disconnected "
                        + "(replayAge %dms)", oldest.position(), (now - oldest.sentAt()) / 1_000_000,
                        maxAgeNanos / 1_000_000);
            }
            return overflow;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the nanoseconds from {@code now} until the oldest message outgrows the age bound, 0 if it has;
     * {@link Long#MAX_VALUE} when the buffer is empty or already overflowed}
     *
     * @param now the ticker's time
     */
    public long untilTooOld(long now) {
        lock.lock();
        try {
            Entry<M> oldest = entries.peekFirst();
            if (oldest == null || overflow != null || closed) {
                return Long.MAX_VALUE;
            }
            return Math.max(0, oldest.sentAt() + maxAgeNanos - now + 1);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases every message the peer's cumulative count covers.
     *
     * @param count how many of this side's frames the peer delivered
     * @return the released entries, oldest first; the caller completes their delivery futures
     * @throws SessionProtocolException if the count covers frames never sent
     */
    public List<Entry<M>> release(long count) throws SessionProtocolException {
        List<Entry<M>> out = new ArrayList<>();
        release(count, out);
        return out;
    }

    /**
     * As {@link #release(long)}, into the reader's own list, so an ACK allocates none.
     *
     * @param count    how many of this side's frames the peer delivered
     * @param released receives the released entries, oldest first
     * @throws SessionProtocolException if the count covers frames never sent
     */
    public void release(long count, List<Entry<M>> released) throws SessionProtocolException {
        lock.lock();
        try {
            checkCount(count, "ACK");
            releaseTo(count, released);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Resume: releases what the peer's count covers and returns what it does not, the frames to write again, in order,
     * before anything new. They stay held until an ACK covers them.
     *
     * @param count how many of this side's frames the peer delivered, from its resume request or answer
     * @param released receives the entries released by the count; the caller completes their futures
     * @return the entries after {@code count}, oldest first
     * @throws SessionProtocolException if the count covers frames never sent, or is below what the peer confirmed
     *                                  before
     */
    public List<Entry<M>> replayAfter(long count, List<Entry<M>> released) throws SessionProtocolException {
        lock.lock();
        try {
            checkCount(count, "resume count");
            if (count < acknowledged) {
                throw new SessionProtocolException("resume count " + count + " goes back below the " + acknowledged
                        + " frames the peer had acknowledged");
            }
            releaseTo(count, released);
            return new ArrayList<>(entries);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The writer's pull: the next entries a connection writes, in order. A connection's writer keeps the position of
     * the last entry it wrote (starting at the peer's count), so replay and new sends are one stream and a send made
     * at any moment is written by whichever connection carries the session.
     *
     * @param after the position of the last entry this connection wrote (or the peer's count when it began)
     * @param max   the most entries to return
     * @return up to {@code max} held entries after {@code after}, oldest first
     * @throws IllegalStateException if the entry right after {@code after} was released (the peer acknowledged a frame
     *                               this connection did not write: a displaced connection was not fenced)
     */
    public List<Entry<M>> next(long after, int max) {
        List<Entry<M>> out = new ArrayList<>();
        next(after, max, out);
        return out;
    }

    /**
     * As {@link #next(long, int)}, into the writer's own list, so a batch allocates none.
     *
     * @param after the position of the last entry this connection wrote
     * @param max   the most entries to add
     * @param out   receives up to {@code max} held entries after {@code after}, oldest first
     */
    public void next(long after, int max, List<Entry<M>> out) {
        lock.lock();
        try {
            int added = 0;
            for (Entry<M> e : entries) {
                if (added == max) {
                    break;
                }
                if (e.position() > after) {
                    if (added == 0 && e.position() != after + 1) {
                        // DATA frames are numbered by their order on the wire, so a writer must never skip one.
                        throw new IllegalStateException("the writer is at frame " + after + " but the next held frame "
                                + "is " + e.position() + ": the peer acknowledged frames this connection never wrote");
                    }
                    out.add(e);
                    added++;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The session is over: takes every held message out, oldest first, and refuses any later append.
     *
     * @param deliveredByPeer the peer's count when known (its entries are returned in {@code released}), else -1
     * @param released        receives the entries the peer delivered; the caller completes their futures
     * @return the entries the peer did not deliver (or may not have); the caller fails their futures and hands their
     *         messages back
     */
    public List<Entry<M>> handBack(long deliveredByPeer, List<Entry<M>> released) {
        lock.lock();
        try {
            if (deliveredByPeer >= 0) {
                releaseTo(Math.min(deliveredByPeer, sent), released);
            }
            List<Entry<M>> rest = new ArrayList<>(entries);
            entries.clear();
            bytes = 0;
            closed = true;
            return rest;
        } finally {
            lock.unlock();
        }
    }

    private void checkCount(long count, String what) throws SessionProtocolException {
        if (count > sent) {
            throw new SessionProtocolException(what + " " + count + " covers frames never sent: " + sent
                    + " sent in this session");
        }
    }

    private void releaseTo(long count, List<Entry<M>> out) {
        if (count <= acknowledged) {
            return;
        }
        while (!entries.isEmpty() && entries.peekFirst().position() <= count) {
            Entry<M> e = entries.pollFirst();
            bytes -= e.payload().length;
            out.add(e);
        }
        acknowledged = count;
    }

    private String describe() {
        return entries.size() + " messages and " + bytes + " bytes held (bounds: " + maxMessages + " messages, "
                + maxBytes + " bytes)";
    }

    /**
     * A session the server had not named yet starts now: there is nothing to replay intact, so an overflow before it
     * (whose sends failed at once) no longer matters; what the buffer holds goes out, and sends are taken again.
     */
    public void forgetOverflow() {
        lock.lock();
        try {
            overflow = null;
        } finally {
            lock.unlock();
        }
    }

    /** {@return why the buffer overflowed, or null} */
    public @Nullable String overflow() {
        lock.lock();
        try {
            return overflow;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many DATA frames this side sent in the session} */
    public long sent() {
        lock.lock();
        try {
            return sent;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many of them the peer confirmed delivering} */
    public long acknowledged() {
        lock.lock();
        try {
            return acknowledged;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many messages are held} */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the encoded bytes held} */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
