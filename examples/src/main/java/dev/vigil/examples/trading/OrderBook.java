package dev.vigil.examples.trading;

import dev.vigil.examples.trading.TradingMessage.Order;
import dev.vigil.examples.trading.TradingMessage.OrderAck;
import dev.vigil.examples.trading.TradingMessage.Status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gateway's book of resting orders: it accepts each order once, recognises a second copy by its account and client
 * order id, and cancels the open orders a session placed when that session expires (the client vanished and did not
 * come back within the linger: "the timeout prevents stale orders").
 *
 * <p>Orders belong to the session that placed them. When a client's resume is refused and it continues in a new
 * session, the gateway moves the old session's orders to the new one ({@link #transfer}), so they are not cancelled
 * as if the client had gone. Thread-safe: connections' callbacks call it concurrently.
 */
public final class OrderBook {
    private final ReentrantLock lock = new ReentrantLock();
    /** Every order ever accepted, by account and client order id: what duplicates are recognised by. */
    private final Map<Key, Resting> orders = new HashMap<>();
    /** The open orders of each session, in the order they were placed. */
    private final Map<UUID, LinkedHashMap<Key, Resting>> bySession = new HashMap<>();
    private long accepted;
    private long duplicates;
    private long rejected;
    private long cancelledAtExpiry;

    private record Key(String account, long clientOrderId) {
    }

    private static final class Resting {
        final Order order;
        UUID session;
        boolean open = true;

        Resting(Order order, UUID session) {
            this.order = order;
            this.session = session;
        }
    }

    /**
     * An order arrived through a session.
     *
     * @param session the session it came in
     * @param order   the order
     * @return the acknowledgement to send back
     */
    public OrderAck place(UUID session, Order order) {
        lock.lock();
        try {
            Key key = new Key(order.account(), order.clientOrderId());
            Resting existing = orders.get(key);
            if (existing != null) {
                duplicates++;
                return new OrderAck(order.clientOrderId(), Status.DUPLICATE, "order " + order.clientOrderId()
                        + " already " + (existing.open ? "accepted" : "done") + "; this copy ignored");
            }
            if (order.quantity() == 0) {
                rejected++;
                return new OrderAck(order.clientOrderId(), Status.REJECTED, "order " + order.clientOrderId()
                        + " rejected: quantity 0");
            }
            Resting r = new Resting(order, session);
            orders.put(key, r);
            bySession.computeIfAbsent(session, s -> new LinkedHashMap<>()).put(key, r);
            accepted++;
            return new OrderAck(order.clientOrderId(), Status.ACCEPTED, "order " + order.clientOrderId()
                    + " accepted");
        } finally {
            lock.unlock();
        }
    }

    /**
     * An open order was filled: it is no longer open, and no longer cancelled at expiry.
     *
     * @param account       its account
     * @param clientOrderId its client order id
     * @return whether it was open
     */
    public boolean fill(String account, long clientOrderId) {
        lock.lock();
        try {
            Resting r = orders.get(new Key(account, clientOrderId));
            if (r == null || !r.open) {
                return false;
            }
            r.open = false;
            LinkedHashMap<Key, Resting> open = bySession.get(r.session);
            if (open != null) {
                open.remove(new Key(account, clientOrderId));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The session expired: cancels its open orders.
     *
     * @param session the session that expired
     * @return the orders cancelled, in the order they were placed
     */
    public List<Order> cancelSession(UUID session) {
        lock.lock();
        try {
            LinkedHashMap<Key, Resting> open = bySession.remove(session);
            if (open == null) {
                return List.of();
            }
            List<Order> out = new ArrayList<>(open.size());
            for (Resting r : open.values()) {
                r.open = false;
                out.add(r.order);
            }
            cancelledAtExpiry += out.size();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The client carries on in a new session after its old one could not be resumed: its open orders move along.
     *
     * @param from the old session
     * @param to   the new one
     * @return how many open orders moved
     */
    public int transfer(UUID from, UUID to) {
        lock.lock();
        try {
            LinkedHashMap<Key, Resting> open = bySession.remove(from);
            if (open == null) {
                return 0;
            }
            LinkedHashMap<Key, Resting> target = bySession.computeIfAbsent(to, s -> new LinkedHashMap<>());
            for (Map.Entry<Key, Resting> e : open.entrySet()) {
                e.getValue().session = to;
                target.put(e.getKey(), e.getValue());
            }
            return open.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the open orders of a session, in the order they were placed}
     *
     * @param session the session
     */
    public List<Order> open(UUID session) {
        lock.lock();
        try {
            LinkedHashMap<Key, Resting> open = bySession.get(session);
            return open == null ? List.of() : open.values().stream().map(r -> r.order).toList();
        } finally {
            lock.unlock();
        }
    }

    /** {@return orders accepted} */
    public long accepted() {
        lock.lock();
        try {
            return accepted;
        } finally {
            lock.unlock();
        }
    }

    /** {@return second copies recognised by their client order id} */
    public long duplicates() {
        lock.lock();
        try {
            return duplicates;
        } finally {
            lock.unlock();
        }
    }

    /** {@return orders rejected as invalid} */
    public long rejected() {
        lock.lock();
        try {
            return rejected;
        } finally {
            lock.unlock();
        }
    }

    /** {@return open orders cancelled because their session expired} */
    public long cancelledAtExpiry() {
        lock.lock();
        try {
            return cancelledAtExpiry;
        } finally {
            lock.unlock();
        }
    }
}
