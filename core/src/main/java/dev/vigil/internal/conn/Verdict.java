package dev.vigil.internal.conn;

/**
 * What the heartbeat calls for at one moment: send a PING, mark the peer suspect, declare it dead, and when to ask
 * again.
 *
 * @param ping    send a PING now
 * @param suspect the peer has been silent long enough to be suspect
 * @param dead    the peer is dead: close with {@code HEARTBEAT_TIMEOUT}
 * @param next    when to evaluate again ({@link ConnectionCore#NO_DEADLINE} for never)
 * @param silence the silence judged, after subtracting {@code stall}
 * @param stall   how much of the silence was this JVM's own measured stall, and forgiven
 */
public record Verdict(boolean ping, boolean suspect, boolean dead, long next, long silence, long stall) {
}
