package dev.vigil.examples.trading;

import java.util.Objects;

/**
 * What the trading client and gateway say to each other: orders one way, acknowledgements the other. Every order
 * carries a client order id, unique per account, which is what lets the gateway recognise an order it already has
 * (FIX's ClOrdID does the same job): sessions make delivery exactly-once while they live, and the id covers the one
 * case they cannot, a resume refused after the gateway restarted, when the client sends its unconfirmed orders again.
 */
public sealed interface TradingMessage {

    /** Buy or sell. */
    enum Side {
        /** Buy. */
        BUY,
        /** Sell. */
        SELL
    }

    /** What the gateway did with an order. */
    enum Status {
        /** The order is new and rests in the book. */
        ACCEPTED,
        /** The gateway already had an order with this client order id; it kept the first and ignored this one. */
        DUPLICATE,
        /** The order was invalid (for example a quantity of zero). */
        REJECTED,
        /** The gateway cancelled the order (its session expired). */
        CANCELLED
    }

    /**
     * A new order.
     *
     * @param account       the trading account, 1 to 32 printable ASCII characters
     * @param clientOrderId the client's id for the order, unique within the account, positive
     * @param symbol        the instrument, 1 to 16 printable ASCII characters
     * @param side          buy or sell
     * @param quantity      how many, 0 or more (0 is rejected by the gateway, not by the codec)
     * @param priceTicks    the limit price in ticks
     */
    record Order(String account, long clientOrderId, String symbol, Side side, long quantity, long priceTicks)
            implements TradingMessage {
        /** Checks the components. */
        public Order {
            Objects.requireNonNull(side, "side");
            TradingCodec.checkAscii("account", account, 32);
            TradingCodec.checkAscii("symbol", symbol, 16);
            if (clientOrderId <= 0) {
                throw new IllegalArgumentException("clientOrderId: " + clientOrderId + " (expected: positive)");
            }
            if (quantity < 0 || quantity > 0xffffffffL) {
                throw new IllegalArgumentException("quantity: " + quantity + " (expected: 0 to 4294967295)");
            }
        }
    }

    /**
     * The gateway's answer to one order: "order 17 accepted".
     *
     * @param clientOrderId the order it answers
     * @param status        what the gateway did
     * @param text          a short explanation for people, at most 255 bytes of UTF-8
     */
    record OrderAck(long clientOrderId, Status status, String text) implements TradingMessage {
        /** Checks the components. */
        public OrderAck {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(text, "text");
            if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("text: " + text.length() + " characters (expected: at most 255 "
                        + "bytes of UTF-8)");
            }
        }
    }
}
