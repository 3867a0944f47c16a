package dev.vigil.internal;

import dev.vigil.Connection;
import dev.vigil.internal.io.SocketConnection;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A manager's connections: every live one (from accept or connect until its reader is done), the open ones (from
 * {@code onOpen} on), and the counts the accept limits need.
 */
final class Registry<M> {
    // Sets of the connections themselves (identity), not maps by id: nothing looks a connection up by its id, and a
    // boxed Long key in each of two maps would cost every connection 48 bytes.
    private final Set<SocketConnection<M>> live = ConcurrentHashMap.newKeySet();
    private final Set<SocketConnection<M>> open = ConcurrentHashMap.newKeySet();
    private final Collection<Connection<M>> openView = Collections.unmodifiableCollection(open);
    private final AtomicInteger clientConnections = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

    void add(SocketConnection<M> connection) {
        live.add(connection);
        if (connection.isClient()) {
            clientConnections.incrementAndGet();
        }
        byAddress.computeIfAbsent(connection.remoteAddress().getAddress(), a -> new AtomicInteger()).incrementAndGet();
    }

    void opened(SocketConnection<M> connection) {
        open.add(connection);
    }

    void closed(SocketConnection<M> connection) {
        open.remove(connection);
        if (live.remove(connection)) {
            if (connection.isClient()) {
                clientConnections.decrementAndGet();
            }
            byAddress.computeIfPresent(connection.remoteAddress().getAddress(),
                    (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** How many live connections came from accept. */
    int serverConnections() {
        return live.size() - clientConnections.get();
    }

    /** How many live connections are from or to {@code address}. */
    int from(InetAddress address) {
        AtomicInteger n = byAddress.get(address);
        return n == null ? 0 : n.get();
    }

    int liveCount() {
        return live.size();
    }

    List<SocketConnection<M>> live() {
        return new ArrayList<>(live);
    }

    Collection<SocketConnection<M>> openConnections() {
        return open;
    }

    Collection<Connection<M>> openView() {
        return openView;
    }
}
