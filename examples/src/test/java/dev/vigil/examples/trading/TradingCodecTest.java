package dev.vigil.examples.trading;

import dev.vigil.examples.trading.TradingMessage.Order;
import dev.vigil.examples.trading.TradingMessage.OrderAck;
import dev.vigil.examples.trading.TradingMessage.Side;
import dev.vigil.examples.trading.TradingMessage.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TradingCodecTest {
    private static final Order ORDER = new Order("ACC1", 17, "VGL", Side.SELL, 300, -25);
    private static final OrderAck ACK = new OrderAck(17, Status.ACCEPTED, "order 17 accepted");

    @Test
    void anOrderIsEncodedFieldByField() {
        assertEquals("01" + "04" + "41434331" + "0000000000000011" + "03" + "56474c" + "01" + "0000012c"
                + "ffffffffffffffe7", HexFormat.of().formatHex(TradingCodec.encode(ORDER)));
    }

    @Test
    void everyMessageSurvivesARoundTripThroughTheVigilCodec() throws IOException {
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            TradingMessage m = random.nextBoolean()
                    ? new Order("A" + random.nextInt(1000), 1 + random.nextLong(Long.MAX_VALUE - 1), "S" + i,
                    Side.values()[random.nextInt(2)], random.nextLong(1L << 32), random.nextLong())
                    : new OrderAck(random.nextLong(), Status.values()[random.nextInt(4)], "ünïcode " + i);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(9); // the codec must honour the offset
            TradingCodec.INSTANCE.encode(m, out);
            byte[] b = out.toByteArray();
            assertEquals(m, TradingCodec.INSTANCE.decode(b, 1, b.length - 1));
        }
    }

    private static String error(byte[] b) {
        return assertThrows(IOException.class, () -> TradingCodec.decodeBytes(b, 0, b.length)).getMessage();
    }

    @Test
    void everyTruncationOfAMessageIsRefusedWithTheFieldItEndsIn() {
        for (TradingMessage m : new TradingMessage[]{ORDER, ACK}) {
            byte[] full = TradingCodec.encode(m);
            for (int len = 0; len < full.length; len++) {
                String e = error(Arrays.copyOf(full, len));
                assertTrue(e.startsWith("message ends inside its "), len + ": " + e);
            }
        }
        assertEquals("message ends inside its client order id (8 bytes needed, 2 left)",
                error(Arrays.copyOf(TradingCodec.encode(ORDER), 8)));
    }

    @Test
    void malformedMessagesAreRefusedWithWhatIsWrong() {
        byte[] trailing = Arrays.copyOf(TradingCodec.encode(ACK), TradingCodec.encode(ACK).length + 2);
        assertEquals("2 bytes after the end of the message", error(trailing));
        assertEquals("message type 7 (expected: 1 order or 2 ack)", error(new byte[]{7}));
        byte[] side = TradingCodec.encode(ORDER);
        side[side.length - 13] = 2;
        assertEquals("order side 2 (expected: 0 buy or 1 sell)", error(side));
        byte[] status = TradingCodec.encode(ACK);
        status[9] = 4;
        assertEquals("ack status 4 (expected: 0 to 3)", error(status));
        byte[] control = TradingCodec.encode(ORDER);
        control[3] = '\n';
        assertEquals("invalid order: account: \"A\nC1\" has character 0xa at 1 (expected: printable ASCII)",
                error(control));
        byte[] zeroId = TradingCodec.encode(new Order("ACC1", 1, "VGL", Side.BUY, 1, 1));
        zeroId[13] = 0;
        assertEquals("invalid order: clientOrderId: 0 (expected: positive)", error(zeroId));
    }

    @Test
    void badOrdersCannotBeMadeAtAll() {
        assertEquals("symbol: \"\" (expected: 1 to 16 printable ASCII characters)", assertThrows(
                IllegalArgumentException.class, () -> new Order("A", 1, "", Side.BUY, 1, 1)).getMessage());
        assertEquals("quantity: -1 (expected: 0 to 4294967295)", assertThrows(IllegalArgumentException.class,
                () -> new Order("A", 1, "S", Side.BUY, -1, 1)).getMessage());
    }
}
