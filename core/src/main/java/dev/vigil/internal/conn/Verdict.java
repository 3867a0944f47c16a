package dev.vigil.internal.conn;

/**
 * What the heartbeat calls for at one moment (at most one of {@code ping}, {@code suspect}, {@code dead}), and when
 * to ask again.
 *
 * @param ping    send a PING now
 * @param suspect the peer has been silent long enough to be suspect
 * @param dead    the peer is dead: close with {@code HEARTBEAT_TIMEOUT}
 * @param next    when to evaluate again ({@link ConnectionCore#NO_DEADLINE} for never)
 * @param silence the real silence, from the reader's last wait for bytes to now
 * @param stalled how much of that silence this JVM measurably stalled; not counted against the peer
 */
public record Verdict(boolean ping, boolean suspect, boolean dead, long next, long silence, long stalled) {
    /** {@return the silence counted against the peer} */
    public long judged() {
        return silence - stalled;
    }
}
