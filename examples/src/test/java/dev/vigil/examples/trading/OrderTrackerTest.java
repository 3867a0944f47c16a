package dev.vigil.examples.trading;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionLostException;
import dev.vigil.examples.trading.TradingMessage.Order;
import dev.vigil.examples.trading.TradingMessage.OrderAck;
import dev.vigil.examples.trading.TradingMessage.Side;
import dev.vigil.examples.trading.TradingMessage.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderTrackerTest {
    private final OrderTracker tracker = new OrderTracker("ACC");

    @Test
    void ordersAreNumberedAndMoveFromSentToDeliveredToAcknowledged() {
        Order a = tracker.newOrder("VGL", Side.BUY, 1, 100);
        Order b = tracker.newOrder("VGL", Side.SELL, 2, 101);
        assertEquals(1, a.clientOrderId());
        assertEquals(2, b.clientOrderId());
        CompletableFuture<Void> delivery = new CompletableFuture<>();
        tracker.track(a, delivery);
        assertEquals(OrderTracker.State.SENT, tracker.state(1));
        delivery.complete(null);
        assertEquals(OrderTracker.State.DELIVERED, tracker.state(1));
        tracker.onAck(new OrderAck(1, Status.ACCEPTED, "order 1 accepted"));
        assertEquals(OrderTracker.State.ACKNOWLEDGED, tracker.state(1));
        assertEquals(List.of(b), tracker.unanswered());
    }

    @Test
    void handedBackOrdersAreResentWithTheirIdsUnlessAlreadyAnswered() {
        Order a = tracker.newOrder("VGL", Side.BUY, 1, 100);
        Order b = tracker.newOrder("VGL", Side.BUY, 1, 100);
        Order c = tracker.newOrder("VGL", Side.BUY, 1, 100);
        CompletableFuture<Void> lost = new CompletableFuture<>();
        tracker.track(c, lost);
        tracker.onAck(new OrderAck(2, Status.ACCEPTED, "")); // b's answer came although its ACK frame did not
        lost.completeExceptionally(new SessionLostException(new UUID(1, 1), ResumeFailure.EPOCH_CHANGED, "restart"));
        assertEquals(List.of(a, c), tracker.handedBack(List.of(a, b, c)));
        assertEquals(OrderTracker.State.SENT, tracker.state(3));

        tracker.onAck(new OrderAck(1, Status.ACCEPTED, ""));
        tracker.onAck(new OrderAck(3, Status.DUPLICATE, "order 3 already accepted"));
        TradingReport r = tracker.report(1, 0);
        assertEquals(3, r.sent());
        assertEquals(3, r.acknowledged());
        assertEquals(0, r.lost());
        assertEquals(2, r.resent());
        assertEquals(1, r.duplicateAcks());
        assertEquals(1, r.resumeFailures());
        assertTrue(r.kept(), "a duplicate after a refused resume was caught by the client order id");
    }

    @Test
    void theReportCountsEverythingAndSaysWhenThePromiseWasBroken() {
        for (int i = 0; i < 3; i++) {
            Order o = tracker.newOrder("VGL", Side.BUY, 1, 100);
            CompletableFuture<Void> d = new CompletableFuture<>();
            tracker.track(o, d);
            d.complete(null);
        }
        tracker.onAck(new OrderAck(1, Status.ACCEPTED, ""));
        tracker.onAck(new OrderAck(2, Status.ACCEPTED, ""));
        tracker.onAck(new OrderAck(2, Status.ACCEPTED, ""));
        tracker.onAck(new OrderAck(99, Status.ACCEPTED, ""));
        tracker.resumed(4, 2);
        tracker.resumed(1, 0);
        TradingReport r = tracker.report(0, 5);
        assertEquals(new TradingReport(3, 3, 2, 0, 1, 2, 7, 0, 0, 0, 0, 1, 5), r);
        assertFalse(r.kept(), "one order lost, one answer to an order never sent");
        String text = r.format();
        assertTrue(text.contains("lost                                    1  (must be 0)"), text);
        assertTrue(text.contains("replayed frames                         7  (both ways)"), text);
        assertTrue(text.contains("cancelled at session expiry             5"), text);
        assertTrue(text.endsWith("verdict: UNEXPECTED\n"), text);

        TradingReport clean = new TradingReport(10, 10, 10, 0, 0, 3, 12, 0, 0, 0, 0, 0, 0);
        assertTrue(clean.kept());
        assertTrue(clean.format().endsWith("verdict: OK, nothing lost, nothing duplicated\n"));
        assertFalse(new TradingReport(10, 10, 10, 1, 0, 3, 12, 0, 0, 0, 0, 0, 0).kept(),
                "a duplicate while every resume succeeded breaks the promise");
    }
}
