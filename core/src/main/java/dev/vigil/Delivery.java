package dev.vigil;

import java.util.concurrent.CompletableFuture;

/**
 * The two outcomes of one send in a session: written to the socket, and delivered by the peer.
 *
 * <p>{@link #written()} is the future {@link Connection#send} returns today: it completes when the frame is written
 * to the socket (it may then still be lost with the connection; in a session it is replayed). {@link #delivered()}
 * completes when the peer's cumulative ACK covers the message, that is, when the peer's application has been handed
 * it. It fails with {@link SessionLostException} when the session ends before that (the message is handed back in
 * {@link SessionListener#onResumeFailed} or {@link SessionListener#onSessionExpired}), and with
 * {@link ConnectionClosedException} when the session ends by a graceful close the peer never confirmed. Both futures
 * complete on a Vigil thread; chain non-blocking work on them or hand it off.
 *
 * <p>Planned to be returned by {@code Connection.sendConfirmed(M)} once sessions are wired into the connection core;
 * see {@code docs/sessions.md}.
 *
 * @param written   completes when the frame was written to the socket
 * @param delivered completes when the peer confirmed delivering the message
 */
public record Delivery(CompletableFuture<Void> written, CompletableFuture<Void> delivered) {
}
