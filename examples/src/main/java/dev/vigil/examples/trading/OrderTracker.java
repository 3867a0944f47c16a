package dev.vigil.examples.trading;

import dev.vigil.examples.trading.TradingMessage.Order;
import dev.vigil.examples.trading.TradingMessage.OrderAck;
import dev.vigil.examples.trading.TradingMessage.Side;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The trading client's view of its orders: each one numbered with a client order id, then delivered (the session's
 * delivery future, completed by the gateway's ACK frame), then acknowledged (the gateway's "order 17 accepted"). It
 * also counts what the session did, and makes the final report.
 *
 * <p>Orders handed back after a failed resume (their delivery futures fail with
 * {@link dev.vigil.SessionLostException}) go back to "sent" and are returned for sending again with the same
 * client order id, so the gateway drops any copy it already has. Thread-safe.
 */
public final class OrderTracker {
    private final String account;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Tracked> orders = new LinkedHashMap<>();
    private long nextId;
    private long delivered;
    private long acknowledged;
    private long duplicateAcks;
    private long rejected;
    private long unexpectedAcks;
    private long resumes;
    private long replayedFrames;
    private long resumeFailures;
    private long resent;

    /** Where one order is. */
    public enum State {
        /** Sent, not yet confirmed delivered. */
        SENT,
        /** The gateway's application has it (the session's ACK covered it). */
        DELIVERED,
        /** The gateway answered it. */
        ACKNOWLEDGED
    }

    private static final class Tracked {
        final Order order;
        State state = State.SENT;
        boolean deliveredOnce;

        Tracked(Order order) {
            this.order = order;
        }
    }

    /**
     * Makes a tracker.
     *
     * @param account the account every order is placed for
     */
    public OrderTracker(String account) {
        this.account = account;
    }

    /**
     * {@return a new order with the next client order id, tracked as sent}
     *
     * @param symbol     the instrument
     * @param side       buy or sell
     * @param quantity   how many
     * @param priceTicks the limit price
     */
    public Order newOrder(String symbol, Side side, long quantity, long priceTicks) {
        lock.lock();
        try {
            Order o = new Order(account, ++nextId, symbol, side, quantity, priceTicks);
            orders.put(o.clientOrderId(), new Tracked(o));
            return o;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Follows an order's delivery future: when it completes, the order is delivered. A failed future changes
     * nothing here: after a failed resume ({@code SessionLostException}) the order comes back through
     * {@link #handedBack}; after a close, an order never answered counts as lost in the report.
     *
     * @param order    the order
     * @param delivery its delivery future
     */
    public void track(Order order, CompletableFuture<Void> delivery) {
        delivery.thenRun(() -> delivered(order.clientOrderId()));
    }

    /**
     * The gateway's delivery of an order was confirmed.
     *
     * @param clientOrderId the order
     */
    public void delivered(long clientOrderId) {
        lock.lock();
        try {
            Tracked t = orders.get(clientOrderId);
            if (t != null && !t.deliveredOnce) {
                t.deliveredOnce = true;
                delivered++;
                if (t.state == State.SENT) {
                    t.state = State.DELIVERED;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The gateway answered an order.
     *
     * @param ack its answer
     */
    public void onAck(OrderAck ack) {
        lock.lock();
        try {
            Tracked t = orders.get(ack.clientOrderId());
            if (t == null) {
                unexpectedAcks++;
                return;
            }
            switch (ack.status()) {
                case DUPLICATE -> duplicateAcks++;
                case REJECTED -> rejected++;
                default -> {
                }
            }
            if (t.state != State.ACKNOWLEDGED) {
                t.state = State.ACKNOWLEDGED;
                acknowledged++;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A resume failed and these messages came back: the orders among them not yet answered go back to sent.
     *
     * @param undelivered the messages handed back, oldest first
     * @return the orders to send again, in their original order, with their original ids
     */
    public List<Order> handedBack(List<TradingMessage> undelivered) {
        lock.lock();
        try {
            resumeFailures++;
            List<Order> again = new ArrayList<>();
            for (TradingMessage m : undelivered) {
                if (m instanceof Order o) {
                    Tracked t = orders.get(o.clientOrderId());
                    if (t != null && t.state != State.ACKNOWLEDGED) {
                        t.state = State.SENT;
                        again.add(o);
                        resent++;
                    }
                }
            }
            return again;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The session survived a reconnect.
     *
     * @param replayedToPeer   frames this side sent again
     * @param replayedFromPeer frames the gateway sent again
     */
    public void resumed(long replayedToPeer, long replayedFromPeer) {
        lock.lock();
        try {
            resumes++;
            replayedFrames += replayedToPeer + replayedFromPeer;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return where an order is}
     *
     * @param clientOrderId the order
     */
    public State state(long clientOrderId) {
        lock.lock();
        try {
            Tracked t = orders.get(clientOrderId);
            if (t == null) {
                throw new IllegalArgumentException("no order " + clientOrderId);
            }
            return t.state;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the orders not answered yet, oldest first} */
    public List<Order> unanswered() {
        lock.lock();
        try {
            return orders.values().stream().filter(t -> t.state != State.ACKNOWLEDGED).map(t -> t.order).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the final report}
     *
     * @param duplicatesAtGateway second copies the gateway recognised by client order id
     * @param cancelledAtExpiry   open orders the gateway cancelled when a session expired
     */
    public TradingReport report(long duplicatesAtGateway, long cancelledAtExpiry) {
        lock.lock();
        try {
            return new TradingReport(orders.size(), delivered, acknowledged, duplicatesAtGateway,
                    orders.size() - acknowledged, resumes, replayedFrames, resumeFailures, resent, duplicateAcks,
                    rejected, unexpectedAcks, cancelledAtExpiry);
        } finally {
            lock.unlock();
        }
    }
}
