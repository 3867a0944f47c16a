package dev.vigil;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The builder checks the limits against the maximum frame size, so an honest frame of the maximum is never refused. */
class LimitsWiringTest {

    @Test
    void aPartialFrameBudgetBelowTheMaximumFrameIsRefusedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionManager
                .builder(MessageCodec.utf8()).maxFrameSize(1 << 20)
                .limits(Limits.builder().partialFrameBudget(65_536).build()).build());
        assertEquals("ConnectionManager: limits.partialFrameBudget: 65536 (expected: at least maxFrameSize + 5 = "
                + "1048581, or one honest frame of the maximum size would not fit)", e.getMessage());
    }

    @Test
    void underTheCloseActionAByteBurstBelowTheMaximumFrameIsRefusedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionManager
                .builder(MessageCodec.utf8()).maxFrameSize(4096)
                .limits(Limits.builder().byteRate(Limits.Rate.of(10_000, 1_000))
                        .rateAction(Limits.RateAction.CLOSE).build()).build());
        assertEquals("ConnectionManager: limits.byteRate.burst: 1000 (expected: at least maxFrameSize + 5 = 4101 "
                + "under RateAction.CLOSE, or one honest frame of the maximum size would close its connection)",
                e.getMessage());
    }

    @Test
    void theDefaultsFitTheDefaultMaximumFrame() {
        ConnectionManager.builder(MessageCodec.utf8()).limits(Limits.defaults()).build().close();
    }
}
