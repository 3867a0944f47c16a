package dev.vigil.internal;

import dev.vigil.Connection;
import dev.vigil.internal.io.SocketConnection;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A manager's connections: every live one (from accept or connect until its reader is done), the open ones (from
 * {@code onOpen} on), and the counts the accept limits need.
 */
final class Registry<M> {
    private final ConcurrentHashMap<Long, SocketConnection<M>> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, SocketConnection<M>> open = new ConcurrentHashMap<>();
    private final Collection<Connection<M>> openView = Collections.unmodifiableCollection(open.values());
    private final AtomicInteger clientConnections = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();

    void add(SocketConnection<M> connection) {
        live.put(connection.id(), connection);
        if (connection.isClient()) {
            clientConnections.incrementAndGet();
        }
        byAddress.computeIfAbsent(connection.remoteAddress().getAddress(), a -> new AtomicInteger()).incrementAndGet();
    }

    void opened(SocketConnection<M> connection) {
        open.put(connection.id(), connection);
    }

    void closed(SocketConnection<M> connection) {
        open.remove(connection.id());
        if (live.remove(connection.id()) != null) {
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
        return new ArrayList<>(live.values());
    }

    Collection<SocketConnection<M>> openConnections() {
        return open.values();
    }

    Collection<Connection<M>> openView() {
        return openView;
    }
}
