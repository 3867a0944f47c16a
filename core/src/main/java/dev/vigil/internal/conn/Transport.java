package dev.vigil.internal.conn;

import dev.vigil.CloseReason;

import java.io.IOException;

/**
 * What a {@link ConnectionCore} asks of the side that owns the transport: the socket side in production, a test's
 * {@code EmbeddedConnection} in tests. The core calls these; it never touches a socket or starts a thread itself.
 */
public interface Transport {
    /** Writes bytes to the peer; may block while the peer does not read. Called by the holder of the write role. */
    void write(byte[] b, int off, int len) throws IOException;

    /** Sends FIN after the CLOSE frame; a failure is the transport's to log. */
    void shutdownOutput();

    /** Closes the transport; the reader then sees the end and calls {@link ConnectionCore#finish}. Idempotent. */
    void closeTransport();

    /** Runs a task off the caller's thread; {@code role} ("writer", "closer", "events") goes into its name. */
    void spawn(String role, Runnable task);

    /** Moves this connection's timer deadline ({@link ConnectionCore#NO_DEADLINE} cancels it). */
    void schedule(long deadline);

    /** Whether bytes have arrived that the reader is about to handle (then the silence is not proven). */
    boolean readerBusy();

    /**
     * Whether the peer's bytes wait unread in the transport. Asked only while the reader waits in a read, before a
     * verdict calls the peer suspect or dead: bytes waiting then mean this process could not schedule its reader,
     * not that the peer is silent. (While the reader is stuck in a write, bytes waiting prove nothing: it is not
     * reading them because the peer does not read.) None by default: a transport whose bytes are handed over
     * synchronously never has any waiting.
     */
    default boolean bytesWaiting() {
        return false;
    }

    /** Maps a failed write to a close reason: the transport's one mapping of I/O failures. */
    CloseReason failure(IOException e);

    /** The connection opened (after its handshake): the manager registers it. */
    void registered();

    /** The connection is closed and its reader done: the manager forgets it. */
    void unregistered();
}
