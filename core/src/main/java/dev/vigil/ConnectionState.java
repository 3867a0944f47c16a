package dev.vigil;

/**
 * Where a connection is in its life. The order is the order of the constants: a connection only moves forward,
 * except between {@link #ACTIVE} and {@link #SUSPECT}, which it may cross both ways any number of times.
 *
 * <pre>
 *   CONNECTING --handshake done--&gt; ACTIVE &lt;--sign of life-- SUSPECT
 *                                    |  --silence past the policy's suspect point--&gt;  |
 *                                    +-----------------+------------------------------+
 *                                                      | close(), peer's CLOSE, dead, error, shutdown
 *                                                      v
 *                                                   CLOSING --socket closed--&gt; CLOSED
 * </pre>
 */
public enum ConnectionState {
    /** TCP is connected (or being connected) and the HELLO handshake has not completed yet. */
    CONNECTING,
    /** The handshake is done and the peer shows signs of life within its heartbeat policy. */
    ACTIVE,
    /**
     * The peer has been silent longer than its heartbeat policy expects; it is not dead yet. Any sign of life moves
     * the connection back to {@link #ACTIVE}.
     */
    SUSPECT,
    /** The connection is ending: new sends fail, frames already accepted are still written where possible. */
    CLOSING,
    /** The socket is closed and every resource the connection held is released. Final. */
    CLOSED;

    /** {@return whether the connection can still carry messages: {@link #ACTIVE} or {@link #SUSPECT}} */
    public boolean isOpen() {
        return this == ACTIVE || this == SUSPECT;
    }
}
