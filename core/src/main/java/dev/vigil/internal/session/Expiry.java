package dev.vigil.internal.session;

import java.util.List;
import java.util.UUID;

/**
 * A lingering session the server let go, from {@link SessionTable#poll}: each session is reported once.
 *
 * @param session        the session's id
 * @param lastConnection the connection that carried it last, already closed
 * @param undelivered    its entries the client did not deliver, oldest first: fail their futures, hand them back
 * @param <M>            the type of messages
 * @param <C>            the type of connections
 */
public record Expiry<M, C>(UUID session, C lastConnection, List<ReplayBuffer.Entry<M>> undelivered) {
}
