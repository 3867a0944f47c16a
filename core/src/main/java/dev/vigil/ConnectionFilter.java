package dev.vigil;

import org.jetbrains.annotations.Nullable;

import java.net.InetSocketAddress;

/**
 * Decides whether a server accepts a new connection, before the connection gets a thread or any memory. Set with
 * {@link ConnectionManager.Builder#connectionFilter}. For a check that needs the peer's first message (a token),
 * call {@link Connection#reject} from {@link ConnectionListener#onMessage} instead.
 *
 * <p>Runs on the server's accept thread: it must be quick and must not block, or it delays every other accept.
 */
@FunctionalInterface
public interface ConnectionFilter {
    /**
     * Checks a new connection.
     *
     * @param remote the peer's address
     * @return {@code null} to accept it, or the reason it is refused; the peer is told the reason in a CLOSE frame
     *         with {@link CloseReason.Kind#REJECTED} (binary codecs) and the socket is closed
     */
    @Nullable String reject(InetSocketAddress remote);
}
