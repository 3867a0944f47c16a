package dev.vigil;

import org.jetbrains.annotations.Nullable;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One TCP connection to a peer, server side or client side. Thread-safe: every method may be called from any thread.
 *
 * <h2>What {@link #send} promises</h2>
 * A completed future means the frame was written to the socket, that is handed to the kernel; it does not mean the
 * peer received or processed it (as with Netty's write promise); confirm delivery with a reply of your own where you
 * need it. Within one connection, messages are written in the order their {@code send} calls returned, never
 * duplicated, and never dropped silently: every future completes, normally once written, or exceptionally with a
 * {@link ConnectionClosedException} carrying the {@link CloseReason} if the connection ended first.
 *
 * @param <M> the type of messages
 */
public interface Connection<M> {

    /** {@return a number unique within this JVM, also used in thread names and log lines ({@code conn-42})} */
    long id();

    /** {@return whether this side opened the connection ({@link ConnectionManager#connect}) rather than accepted it} */
    boolean isClient();

    /** {@return the local address of the socket} */
    InetSocketAddress localAddress();

    /** {@return the peer's address} */
    InetSocketAddress remoteAddress();

    /** {@return the current state; it may change the moment after} */
    ConnectionState state();

    /** {@return why the connection ended, or {@code null} while it has not} */
    @Nullable CloseReason closeReason();

    /**
     * Queues a message to be written. Returns at once unless the outbound queue is full and the manager's
     * {@link BackpressurePolicy} is {@link BackpressurePolicy#BLOCK}, or the message is written on the caller's thread.
     *
     * <p>Under {@link BackpressurePolicy#BLOCK}, a send that finds nothing queued and no write in progress is written
     * on the caller's own thread (platform or virtual) before it returns, with no thread hop (request/response pays
     * none): such a send may block its caller for as long as that socket write takes. It does so only while less
     * than 16 KiB went out since the peer last sent anything, so a peer that does not read fills the queue, not the
     * caller's time; and never on another connection's thread, where BLOCK acts as FAIL. Under FAIL and CLOSE a send
     * from another thread never writes on it. A reply sent from {@code onMessage} is written by the connection's
     * reader once every frame of that read is delivered, all in one write.
     *
     * <p>A send written on its caller's thread returns one shared, already completed future; the replies sent during
     * one read share one future. A shared future refuses {@code obtrudeValue} and {@code obtrudeException}
     * ({@link UnsupportedOperationException}); do not rely on the identity of a send's future, and do not complete
     * it yourself (on the shared completed one that changes nothing; on a read's, it would speak for its siblings).
     *
     * @param message the message
     * @return a future that completes when the frame has been written to the socket, or fails with a
     *         {@link ConnectionClosedException} if the connection ends first, with the codec's exception if the
     *         message cannot be encoded, or with a {@link java.util.concurrent.RejectedExecutionException} if the
     *         queue is full under {@link BackpressurePolicy#FAIL}
     */
    CompletableFuture<Void> send(M message);

    /**
     * Sends like {@link #send}, and says when the peer has <em>delivered</em> the message: handed it to its
     * application, as its session's cumulative ACK confirms ({@code docs/sessions.md}). Needs a session: a manager
     * built with {@link ConnectionManager.Builder#sessions} on both sides. On a connection without one the message is
     * sent as by {@link #send} and {@link Delivery#delivered()} fails at once with an {@link java.io.IOException}
     * ("no session"). In a session, a full replay buffer is backpressure as for {@link #send}.
     *
     * @param message the message
     * @return the send's two futures: written to the socket, and delivered by the peer
     * @implSpec The default sends with {@link #send} and fails the delivery future: there is no session.
     */
    default Delivery sendConfirmed(M message) {
        return new Delivery(send(message), CompletableFuture.failedFuture(
                new java.io.IOException("no session on this connection: delivery cannot be confirmed")));
    }

    /**
     * Closes the connection gracefully: new sends fail, every message already accepted is written, a CLOSE frame
     * tells the peer, and the socket is closed when the peer answers or after the manager's close timeout. Returns
     * at once; {@link ConnectionListener#onClose} reports the end with {@link CloseReason.Kind#CLOSED_LOCALLY}.
     * Calling it again, or on a closed connection, does nothing.
     */
    void close();

    /**
     * Refuses the peer: closes the connection at once with {@link CloseReason.Kind#REJECTED}, telling the peer the
     * reason in a CLOSE frame (binary codecs). Messages still queued fail with that reason. Meant for checks that need
     * the peer's first message, such as an authentication token; for checks by address use a
     * {@link ConnectionFilter}. Does nothing if the connection is already ending.
     *
     * @param reason what the peer is told, in a sentence
     */
    void reject(String reason);

    /** {@return the round-trip time measured by heartbeats so far} */
    RttStats rtt();

    /** {@return the connection's counters at this moment} */
    ConnectionStats stats();

    /** {@return the object attached with {@link #attach}, or {@code null}} */
    @Nullable Object attachment();

    /**
     * Returns the attachment as the type it was attached as, so that a listener needs no cast:
     * {@code Session session = connection.attachment(Session.class);}
     *
     * <p>A connection with a listener of its own ({@link ConnectionManager#connect(InetSocketAddress,
     * ConnectionListener)}) often needs no attachment at all: the listener object can hold the state.
     *
     * @param type the class of the attachment (or a supertype of it)
     * @param <T>  its type
     * @return the attachment, or {@code null} if there is none
     * @throws ClassCastException if the attachment is not a {@code type}; the message names both classes
     * @implSpec The default reads {@link #attachment()} once and checks it with {@code type}.
     */
    default <T> @Nullable T attachment(Class<T> type) {
        Object attachment = attachment();
        if (attachment == null || type.isInstance(attachment)) {
            return type.cast(attachment);
        }
        throw new ClassCastException(this + ": the attachment is a " + attachment.getClass().getName()
                + ", not a " + type.getName());
    }

    /**
     * Attaches an object of your own to this connection (a session, a user id), replacing any earlier one.
     *
     * @param attachment the object, or {@code null} to clear it
     */
    void attach(@Nullable Object attachment);
}
