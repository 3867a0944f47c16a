package dev.vigil.cluster;

import java.util.Objects;

/**
 * A message published on the backplane for a connection that dies without closing cleanly, as MQTT's will.
 *
 * <p>A connection closes <em>cleanly</em> when its {@link dev.vigil.CloseReason} is
 * {@link dev.vigil.CloseReason.Kind#CLOSED_LOCALLY} (this side called close),
 * {@link dev.vigil.CloseReason.Kind#SHUTDOWN} (either side's manager is shutting down), or {@link dev.vigil.CloseReason.Kind#CLOSED_BY_PEER} with
 * {@link dev.vigil.CloseReason#remote()} set (the peer said goodbye in a CLOSE frame). Anything else is unclean: a
 * heartbeat timeout, a reset, an I/O or protocol error, a peer that closed TCP without a CLOSE frame (in
 * {@link dev.vigil.MessageCodec.Framing#LINES} mode, where there is no CLOSE frame, that is every peer close; have
 * line clients say goodbye with a command of your protocol and close from this side), a slow consumer, a policy
 * violation, a rejection. See {@link Presence#isClean}.
 *
 * <p>The will is published when the key's {@linkplain Presence.Builder#linger linger} ends, if by then the key has no
 * connection on any node this node knows of (as MQTT 5's will delay): a phone that drops and reconnects within the
 * linger publishes nothing, and neither does one whose key is still held by another device. It is published once at most, by the node that held the connection; a node that dies itself
 * publishes none of its connections' wills (its keys' leaves are reported by every other node instead).
 *
 * @param topic   the backplane topic to publish to
 * @param payload the message; not copied, so do not change it afterwards
 */
public record LastWill(String topic, byte[] payload) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException if any is null
     */
    public LastWill {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }
}
