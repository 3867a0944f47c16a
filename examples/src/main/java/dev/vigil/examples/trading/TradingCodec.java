package dev.vigil.examples.trading;

import dev.vigil.MessageCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The trading messages in binary, one per Vigil frame. All integers big-endian.
 *
 * <pre>
 * ORDER = 0x01 | account len u8 | account ASCII | client order id u64 | symbol len u8 | symbol ASCII
 *         | side u8 (0 buy, 1 sell) | quantity u32 | price ticks i64
 * ACK   = 0x02 | client order id u64 | status u8 (0 accepted, 1 duplicate, 2 rejected, 3 cancelled)
 *         | text len u8 | text UTF-8
 * </pre>
 *
 * A payload that is not exactly one such message (truncated, trailing bytes, an unknown type, side or status, a
 * non-printable character in an id) is refused with an {@link IOException} that says what is wrong, so Vigil closes
 * the connection with {@code PROTOCOL_ERROR}.
 */
public final class TradingCodec implements MessageCodec<TradingMessage> {
    /** The codec; stateless. */
    public static final TradingCodec INSTANCE = new TradingCodec();

    static final int ORDER = 1;
    static final int ACK = 2;

    private TradingCodec() {
    }

    @Override
    public Framing framing() {
        return Framing.LENGTH_PREFIXED;
    }

    @Override
    public void encode(TradingMessage message, OutputStream out) throws IOException {
        out.write(encode(message));
    }

    @Override
    public TradingMessage decode(byte[] frame, int offset, int length) throws IOException {
        return decodeBytes(frame, offset, length);
    }

    /**
     * {@return the payload of one message}
     *
     * @param message the message
     */
    public static byte[] encode(TradingMessage message) {
        return switch (message) {
            case TradingMessage.Order o -> {
                byte[] account = o.account().getBytes(StandardCharsets.US_ASCII);
                byte[] symbol = o.symbol().getBytes(StandardCharsets.US_ASCII);
                byte[] b = new byte[1 + 1 + account.length + 8 + 1 + symbol.length + 1 + 4 + 8];
                int p = 0;
                b[p++] = ORDER;
                b[p++] = (byte) account.length;
                System.arraycopy(account, 0, b, p, account.length);
                p += account.length;
                p = putLong(b, p, o.clientOrderId());
                b[p++] = (byte) symbol.length;
                System.arraycopy(symbol, 0, b, p, symbol.length);
                p += symbol.length;
                b[p++] = (byte) o.side().ordinal();
                p = putInt(b, p, (int) o.quantity());
                putLong(b, p, o.priceTicks());
                yield b;
            }
            case TradingMessage.OrderAck a -> {
                byte[] text = a.text().getBytes(StandardCharsets.UTF_8);
                byte[] b = new byte[1 + 8 + 1 + 1 + text.length];
                b[0] = ACK;
                int p = putLong(b, 1, a.clientOrderId());
                b[p++] = (byte) a.status().ordinal();
                b[p++] = (byte) text.length;
                System.arraycopy(text, 0, b, p, text.length);
                yield b;
            }
        };
    }

    /**
     * Decodes one message.
     *
     * @param b   the bytes
     * @param off where the payload starts
     * @param len its length
     * @return the message
     * @throws IOException if the payload is not exactly one valid message
     */
    public static TradingMessage decodeBytes(byte[] b, int off, int len) throws IOException {
        Reader r = new Reader(b, off, len);
        int type = r.u8("type");
        TradingMessage m = switch (type) {
            case ORDER -> {
                String account = r.ascii("account");
                long id = r.u64("client order id");
                String symbol = r.ascii("symbol");
                int side = r.u8("side");
                if (side >= TradingMessage.Side.values().length) {
                    throw new IOException("order side " + side + " (expected: 0 buy or 1 sell)");
                }
                long quantity = r.u32("quantity");
                long price = r.u64("price");
                try {
                    yield new TradingMessage.Order(account, id, symbol, TradingMessage.Side.values()[side], quantity,
                            price);
                } catch (IllegalArgumentException e) {
                    throw new IOException("invalid order: " + e.getMessage(), e);
                }
            }
            case ACK -> {
                long id = r.u64("client order id");
                int status = r.u8("status");
                if (status >= TradingMessage.Status.values().length) {
                    throw new IOException("ack status " + status + " (expected: 0 to 3)");
                }
                int n = r.u8("text length");
                String text = new String(r.bytes(n, "text"), StandardCharsets.UTF_8);
                yield new TradingMessage.OrderAck(id, TradingMessage.Status.values()[status], text);
            }
            default -> throw new IOException("message type " + type + " (expected: 1 order or 2 ack)");
        };
        if (r.p != off + len) {
            throw new IOException((off + len - r.p) + " bytes after the end of the message");
        }
        return m;
    }

    static void checkAscii(String name, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            throw new IllegalArgumentException(name + ": " + (value == null ? null : "\"" + value + "\"")
                    + " (expected: 1 to " + max + " printable ASCII characters)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(name + ": \"" + value + "\" has character 0x"
                        + Integer.toHexString(c) + " at " + i + " (expected: printable ASCII)");
            }
        }
    }

    private static int putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        return p + 4;
    }

    private static int putLong(byte[] b, int p, long v) {
        putInt(b, p, (int) (v >>> 32));
        return putInt(b, p + 4, (int) v);
    }

    /** Reads fields off a payload, naming the field that runs past its end. */
    private static final class Reader {
        final byte[] b;
        final int end;
        int p;

        Reader(byte[] b, int off, int len) {
            this.b = b;
            this.p = off;
            this.end = off + len;
        }

        private void need(int n, String field) throws IOException {
            if (end - p < n) {
                throw new IOException("message ends inside its " + field + " (" + n + " bytes needed, "
                        + (end - p) + " left)");
            }
        }

        int u8(String field) throws IOException {
            need(1, field);
            return b[p++] & 0xff;
        }

        long u32(String field) throws IOException {
            need(4, field);
            long v = (b[p] & 0xffL) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
            p += 4;
            return v;
        }

        long u64(String field) throws IOException {
            need(8, field);
            long hi = u32(field);
            long lo = u32(field);
            return hi << 32 | lo;
        }

        byte[] bytes(int n, String field) throws IOException {
            need(n, field);
            byte[] out = new byte[n];
            System.arraycopy(b, p, out, 0, n);
            p += n;
            return out;
        }

        String ascii(String field) throws IOException {
            int n = u8(field + " length");
            return new String(bytes(n, field), StandardCharsets.US_ASCII);
        }
    }
}
