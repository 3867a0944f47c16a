package dev.vigil.internal.session;

import dev.vigil.SessionPolicy;
import org.jetbrains.annotations.Nullable;

import java.util.UUID;

/**
 * One side's state of one session: its outbound replay buffer and its inbound counter, under the id and epoch the
 * server gave it. A client's session exists before the server names it (sends made before the first answer go into
 * it), so the name is set once, later.
 *
 * @param <M> the type of messages
 */
public final class Session<M> {
    private final ReplayBuffer<M> out;
    private final ReceiveCounter in;
    private volatile @Nullable UUID id;
    private volatile long epoch;

    /**
     * Makes an empty session.
     *
     * @param policy the bounds and ACK timing
     * @param id     the server's id for it, or null on a client before the server's answer
     * @param epoch  the server's epoch, or 0 with a null id
     */
    public Session(SessionPolicy policy, @Nullable UUID id, long epoch) {
        this.out = new ReplayBuffer<>(policy);
        this.in = new ReceiveCounter(policy.ackEvery(), policy.ackInterval().toNanos());
        this.id = id;
        this.epoch = epoch;
    }

    void name(UUID id, long epoch) {
        if (this.id != null) {
            throw new IllegalStateException("session " + this.id + " already named");
        }
        this.id = id;
        this.epoch = epoch;
    }

    /** {@return the server's id for the session, or null on a client before the server named it} */
    public @Nullable UUID id() {
        return id;
    }

    /** {@return the id; the session has been named} */
    UUID requireId() {
        UUID v = id;
        if (v == null) {
            throw new IllegalStateException("session not named yet");
        }
        return v;
    }

    /** {@return the server's epoch when the session was created, 0 before it was named} */
    public long epoch() {
        return epoch;
    }

    /** {@return the outbound half: what this side sent and the peer has not confirmed} */
    public ReplayBuffer<M> out() {
        return out;
    }

    /** {@return the inbound half: what this side delivered} */
    public ReceiveCounter in() {
        return in;
    }

    @Override
    public String toString() {
        return "session " + id + " (sent " + out.sent() + ", acknowledged " + out.acknowledged() + ", delivered "
                + in.delivered() + ")";
    }
}
