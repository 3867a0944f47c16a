package dev.vigil.examples.trading;

import dev.vigil.examples.trading.TradingMessage.Order;
import dev.vigil.examples.trading.TradingMessage.OrderAck;
import dev.vigil.examples.trading.TradingMessage.Side;
import dev.vigil.examples.trading.TradingMessage.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderBookTest {
    private static final UUID S1 = new UUID(1, 1);
    private static final UUID S2 = new UUID(2, 2);
    private final OrderBook book = new OrderBook();

    private static Order order(String account, long id) {
        return new Order(account, id, "VGL", Side.BUY, 10, 100);
    }

    @Test
    void aNewOrderIsAcceptedAndRests() {
        OrderAck ack = book.place(S1, order("A", 17));
        assertEquals(new OrderAck(17, Status.ACCEPTED, "order 17 accepted"), ack);
        assertEquals(List.of(order("A", 17)), book.open(S1));
        assertEquals(1, book.accepted());
    }

    @Test
    void aSecondCopyIsRecognisedByAccountAndClientOrderIdEvenInAnotherSession() {
        book.place(S1, order("A", 17));
        OrderAck again = book.place(S2, order("A", 17));
        assertEquals(Status.DUPLICATE, again.status());
        assertEquals("order 17 already accepted; this copy ignored", again.text());
        assertEquals(1, book.duplicates());
        assertEquals(1, book.accepted(), "kept once");
        assertEquals(List.of(), book.open(S2));
        assertEquals(Status.ACCEPTED, book.place(S1, order("B", 17)).status(), "ids are per account");
    }

    @Test
    void anInvalidOrderIsRejected() {
        OrderAck ack = book.place(S1, new Order("A", 3, "VGL", Side.SELL, 0, 1));
        assertEquals(Status.REJECTED, ack.status());
        assertEquals(1, book.rejected());
        assertEquals(List.of(), book.open(S1));
    }

    @Test
    void anExpiredSessionsOpenOrdersAreCancelledOnceAndOnlyThose() {
        book.place(S1, order("A", 1));
        book.place(S1, order("A", 2));
        book.place(S1, order("A", 3));
        book.place(S2, order("B", 1));
        assertTrue(book.fill("A", 2));
        assertFalse(book.fill("A", 2), "filled already");

        assertEquals(List.of(order("A", 1), order("A", 3)), book.cancelSession(S1));
        assertEquals(List.of(), book.cancelSession(S1), "never twice");
        assertEquals(2, book.cancelledAtExpiry());
        assertEquals(List.of(order("B", 1)), book.open(S2), "other sessions keep theirs");
        assertEquals("order 1 already done; this copy ignored", book.place(S2, order("A", 1)).text(),
                "a cancelled order's id stays used");
    }

    @Test
    void ordersMoveWithTheClientToItsNewSession() {
        book.place(S1, order("A", 1));
        assertEquals(1, book.transfer(S1, S2));
        assertEquals(List.of(), book.cancelSession(S1), "the old session has nothing left to cancel");
        assertEquals(List.of(order("A", 1)), book.cancelSession(S2));
        assertTrue(book.place(S2, order("A", 1)).status() == Status.DUPLICATE);
    }
}
