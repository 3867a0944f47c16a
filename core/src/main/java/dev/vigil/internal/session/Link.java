package dev.vigil.internal.session;

/**
 * One connection carrying a session: the cursor that numbers its inbound DATA frames and the one that checks its
 * inbound ACKs. Its writer starts at {@link AckCursor#last()} and pulls from {@link ReplayBuffer#next}.
 *
 * @param session the session
 * @param data    numbers the DATA frames arriving on this connection
 * @param acks    checks the ACKs arriving on this connection
 * @param <M>     the type of messages
 */
public record Link<M>(Session<M> session, ReceiveCounter.Cursor data, AckCursor<M> acks) {

    static <M> Link<M> open(Session<M> session, long peerDelivered) {
        return new Link<>(session, session.in().cursor(), new AckCursor<>(session.out(), peerDelivered));
    }
}
