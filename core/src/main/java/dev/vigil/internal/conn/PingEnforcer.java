package dev.vigil.internal.conn;

import dev.vigil.CloseReason.Kind;
import dev.vigil.internal.Durations;
import dev.vigil.internal.wire.Fatal;

/**
 * Polices the peer's PINGs (as grpc-java's {@code KeepAliveEnforcer}): a PING that comes sooner than the minimum
 * interval after the previous PING is a strike; a well-spaced PING clears the strikes; one strike more than allowed
 * ends the connection with {@code POLICY_VIOLATION}. The first PING is never a strike. The peer learns the minimum
 * from our HELLO (binary framing) or from {@code docs/protocol.md} (line framing). Reader thread only.
 */
final class PingEnforcer {
    private final long minNanos;
    private final int maxStrikes;
    private long lastPing = Long.MIN_VALUE;
    private int strikes;

    PingEnforcer(long minNanos, int maxStrikes) {
        this.minNanos = minNanos;
        this.maxStrikes = maxStrikes;
    }

    /**
     * Records a PING that arrived at {@code now}.
     *
     * @throws Fatal when the peer pings too often
     */
    void pinged(long now) throws Fatal {
        if (lastPing != Long.MIN_VALUE && now - lastPing < minNanos) {
            if (++strikes > maxStrikes) {
                throw new Fatal(Kind.POLICY_VIOLATION, "peer pings every " + Durations.format(now - lastPing)
                        + ", faster than the " + Durations.format(minNanos) + " this side accepts ("
                        + strikes + " strikes)");
            }
        } else {
            strikes = 0;
        }
        lastPing = now;
    }
}
