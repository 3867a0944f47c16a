package dev.vigil.examples.trading;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionManager;
import dev.vigil.Delivery;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.ReconnectListener;
import dev.vigil.ReconnectPolicy;
import dev.vigil.ReconnectingClient;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionListener;
import dev.vigil.SessionPolicy;
import dev.vigil.examples.Options;
import dev.vigil.examples.trading.TradingMessage.Order;
import dev.vigil.examples.trading.TradingMessage.OrderAck;
import dev.vigil.examples.trading.TradingMessage.Side;
import dev.vigil.testing.FaultProxy;
import dev.vigil.testing.FaultProxy.Direction;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * An order gateway and a trading client over a session: numbered orders with client order ids, each answered by the
 * gateway ("order 17 accepted"), each tracked by its delivery future. With {@code --chaos} the link runs through a
 * {@link FaultProxy} that cuts or resets it many times while orders flow; the session carries every order across,
 * once. At the end the client is killed for good (its link dies without a CLOSE and it never comes back), and the
 * gateway cancels its open orders when the session expires after the linger.
 */
public final class TradingExample {
    /** The example's options. */
    public static final List<Options.Spec> SPECS = List.of(
            Options.Spec.of("orders", "2000", "orders to send"),
            Options.Spec.flag("chaos", "run the link through FaultProxy and cut or reset it many times"),
            Options.Spec.of("cuts", "50", "cuts and resets with --chaos"),
            Options.Spec.of("linger", "1s", "how long the gateway keeps a session whose client vanished"));

    private TradingExample() {
    }

    /** Runs the example from the command line; exit status 0 if the report kept its promise. */
    public static int main(Options options, PrintStream out) throws Exception {
        TradingReport report = run(options.integer("orders"), options.flag("chaos"), options.integer("cuts"),
                options.duration("linger"), out);
        out.print(report.format());
        return report.kept() && report.duplicatesAtGateway() == 0 ? 0 : 1;
    }

    /**
     * Runs gateway and client.
     *
     * @param orders how many orders
     * @param chaos  whether to cut and reset the link
     * @param cuts   how many cuts and resets with chaos
     * @param linger the gateway's linger
     * @param out    progress lines
     * @return the report
     */
    public static TradingReport run(int orders, boolean chaos, int cuts, Duration linger, PrintStream out)
            throws Exception {
        SessionPolicy policy = SessionPolicy.builder().linger(linger).build();
        HeartbeatPolicy heartbeat = HeartbeatPolicy.fixed(Duration.ofMillis(500), Duration.ofSeconds(3));
        OrderBook book = new OrderBook();
        Gateway gateway = new Gateway(book);
        ConnectionManager<TradingMessage> server = ConnectionManager.builder(TradingCodec.INSTANCE)
                .sessions(policy).heartbeat(heartbeat).listener(gateway).build();
        OrderTracker tracker = new OrderTracker("ACME-1");
        Client client = new Client(tracker);
        try (FaultProxy proxy = FaultProxy.start(server.bind(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))) {
            ReconnectingClient<TradingMessage> trader = ReconnectingClient.start(
                    ConnectionManager.builder(TradingCodec.INSTANCE).sessions(policy).heartbeat(heartbeat),
                    ReconnectPolicy.builder().initialDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(50))
                            .build(), client, List.of(proxy.address()));
            client.trader = trader;
            AtomicInteger done = new AtomicInteger();
            Thread chaosThread = chaos ? Thread.ofVirtual().name("trading-chaos").start(
                    () -> chaos(proxy, trader, client, cuts, orders, tracker, done)) : null;
            Random random = new Random(17);
            String[] symbols = {"AAPL", "MSFT", "NVDA", "TSLA"};
            for (int i = 0; i < orders; i++) {
                Order o = tracker.newOrder(symbols[i % symbols.length], i % 2 == 0 ? Side.BUY : Side.SELL,
                        1 + random.nextInt(500), 10_000 + random.nextInt(1_000));
                Delivery d = trader.sendConfirmed(o);
                tracker.track(o, d.delivered());
                if (chaos && i % 20 == 0) {
                    client.await(() -> tracker.unanswered().size() < 200, 30); // let the cutter keep up
                }
            }
            done.set(1);
            if (chaosThread != null) {
                chaosThread.join();
            }
            boolean answered = client.await(() -> tracker.unanswered().isEmpty(), 60);
            out.printf("%d orders sent%s; %s%n", orders, chaos ? " through " + client.cuts + " cuts and resets" : "",
                    answered ? "every one answered" : tracker.unanswered().size() + " unanswered after 60 s");
            // Kill the client for good: its link dies without a CLOSE frame and it never comes back.
            proxy.blackhole(Direction.BOTH);
            proxy.resetAll();
            trader.close();
            boolean expired = gateway.await(() -> gateway.expired.get() > 0, 30);
            out.printf("client killed; the gateway %s%n", expired ? "cancelled its open orders at session expiry"
                    : "saw no session expiry within 30 s");
        } finally {
            server.shutdown(Duration.ofSeconds(2));
        }
        return tracker.report(book.duplicates(), book.cancelledAtExpiry());
    }

    private static void chaos(FaultProxy proxy, ReconnectingClient<TradingMessage> trader, Client client, int cuts,
                              int orders, OrderTracker tracker, AtomicInteger done) {
        Random random = new Random(23);
        int every = Math.max(1, orders / (cuts + 1));
        for (int c = 1; c <= cuts; c++) {
            int threshold = c * every;
            if (!client.await(() -> client.acks.get() >= threshold || done.get() == 1 && tracker.unanswered()
                    .isEmpty(), 30) || !client.await(() -> trader.current() != null, 30)) {
                return;
            }
            Connection<TradingMessage> before = trader.current();
            if (c % 2 == 0) {
                proxy.resetAll();
            } else {
                proxy.cutAfter(Direction.BOTH, random.nextInt(200));
                if (done.get() == 1) {
                    proxy.resetAll(); // no traffic left to spend the budget on
                }
            }
            client.cuts++;
            int resumed = client.resumes.get();
            client.await(() -> trader.current() != before, 30);
            proxy.clearToxics();
            client.await(() -> client.resumes.get() > resumed, 30);
        }
    }

    /** The gateway: books each order once, answers it, fills every other one, cancels the rest at expiry. */
    private static final class Gateway extends Waiter implements SessionListener<TradingMessage> {
        private final OrderBook book;
        /** Answers whose connection died before they were accepted: sent on the session's next connection. */
        private final Map<UUID, List<OrderAck>> pending = new ConcurrentHashMap<>();
        private final Map<Connection<TradingMessage>, UUID> refused = new ConcurrentHashMap<>();
        final AtomicInteger expired = new AtomicInteger();

        Gateway(OrderBook book) {
            this.book = book;
        }

        @Override
        public void onSessionStarted(Connection<TradingMessage> connection, UUID session) {
            UUID old = refused.remove(connection);
            if (old != null) {
                book.transfer(old, session); // the client carries on in a new session: its orders stay open
            }
            connection.attach(session);
        }

        @Override
        public void onResumed(Connection<TradingMessage> connection, UUID session, long toPeer, long fromPeer) {
            connection.attach(session);
            List<OrderAck> owed = pending.remove(session);
            if (owed != null) {
                owed.forEach(a -> answer(connection, session, a));
            }
        }

        @Override
        public void onResumeFailed(Connection<TradingMessage> connection, UUID session, ResumeFailure reason,
                                   List<TradingMessage> undelivered) {
            refused.put(connection, session);
        }

        @Override
        public void onMessage(Connection<TradingMessage> connection, TradingMessage message) {
            UUID session = connection.attachment(UUID.class);
            if (message instanceof Order o && session != null) {
                OrderAck ack = book.place(session, o);
                if (o.clientOrderId() % 2 == 0) {
                    book.fill(o.account(), o.clientOrderId());
                }
                answer(connection, session, ack);
            }
        }

        private void answer(Connection<TradingMessage> connection, UUID session, OrderAck ack) {
            if (connection.send(ack).isCompletedExceptionally()) {
                pending.computeIfAbsent(session, s -> new ArrayList<>()).add(ack); // not in the session: resend
            }
        }

        @Override
        public void onSessionExpired(Connection<TradingMessage> lastConnection, UUID session,
                                     List<TradingMessage> undelivered) {
            book.cancelSession(session); // "the timeout prevents stale orders"
            expired.incrementAndGet();
            signal();
        }
    }

    /** The client: counts answers and resumes, and resends what a failed resume handed back. */
    private static final class Client extends Waiter
            implements ReconnectListener<TradingMessage>, SessionListener<TradingMessage> {
        private final OrderTracker tracker;
        final AtomicInteger acks = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();
        volatile int cuts;
        volatile ReconnectingClient<TradingMessage> trader;

        Client(OrderTracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public void onMessage(Connection<TradingMessage> connection, TradingMessage message) {
            if (message instanceof OrderAck ack) {
                tracker.onAck(ack);
                acks.incrementAndGet();
                signal();
            }
        }

        @Override
        public void onResumed(Connection<TradingMessage> connection, UUID session, long toPeer, long fromPeer) {
            tracker.resumed(toPeer, fromPeer);
            resumes.incrementAndGet();
            signal();
        }

        @Override
        public void onResumeFailed(Connection<TradingMessage> connection, UUID session, ResumeFailure reason,
                                   List<TradingMessage> undelivered) {
            for (Order o : tracker.handedBack(undelivered)) {
                tracker.track(o, connection.sendConfirmed(o).delivered()); // same client order id: no double fill
            }
        }

        @Override
        public void onClose(Connection<TradingMessage> connection, CloseReason reason) {
            signal();
        }
    }

    /** Waits on a condition, woken by the listener's events and rechecked every 10 ms; never a fixed sleep. */
    private static class Waiter {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();

        final void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        final boolean await(BooleanSupplier condition, int seconds) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            lock.lock();
            try {
                while (!condition.getAsBoolean()) {
                    if (System.nanoTime() - deadline > 0) {
                        return false;
                    }
                    changed.await(10, TimeUnit.MILLISECONDS);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                lock.unlock();
            }
        }
    }
}
