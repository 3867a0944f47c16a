package dev.vigil.internal.session;

import dev.vigil.SessionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sent message's delivery future is made only when asked for, and tells the same outcome either way. */
@Timeout(30)
class LazyDeliveryTest {
    private final ReplayBuffer<String> buffer = new ReplayBuffer<>(SessionPolicy.builder().replayMessages(1_000)
            .ackEvery(1).ackInterval(Duration.ofMillis(1)).build());

    @Test
    void aFutureAskedForBeforeTheAckCompletesWithIt() throws Exception {
        ReplayBuffer.Entry<String> e = buffer.append("a", new byte[1], 0);
        CompletableFuture<Void> delivered = e.delivered();
        assertFalse(delivered.isDone());
        assertSame(delivered, e.delivered(), "one future per message");
        Settlement.confirm(buffer.release(1));
        assertTrue(delivered.isDone() && !delivered.isCompletedExceptionally());
    }

    @Test
    void aFutureAskedForAfterTheAckIsAlreadyComplete() throws Exception {
        ReplayBuffer.Entry<String> e = buffer.append("a", new byte[1], 0);
        Settlement.confirm(buffer.release(1));
        CompletableFuture<Void> delivered = e.delivered();
        assertTrue(delivered.isDone() && !delivered.isCompletedExceptionally());
        assertSame(delivered, e.delivered());
    }

    @Test
    void aFutureAskedForAfterTheHandBackHasFailedWithItsError() {
        ReplayBuffer.Entry<String> e = buffer.append("a", new byte[1], 0);
        IOException lost = new IOException("session lost");
        assertEquals(List.of("a"), Settlement.fail(buffer.handBack(-1, new ArrayList<>()), lost));
        assertTrue(e.delivered().isCompletedExceptionally(), "the hand-back reached a future made after it");
        ExecutionException got = assertThrows(ExecutionException.class, () -> e.delivered().get());
        assertSame(lost, got.getCause());
    }

    @Test
    void theFirstSettlementWinsWhetherOrNotTheFutureWasMade() {
        ReplayBuffer.Entry<String> early = buffer.append("a", new byte[1], 0);
        early.confirm();
        early.fail(new IOException("too late"));
        assertFalse(early.delivered().isCompletedExceptionally());

        ReplayBuffer.Entry<String> asked = buffer.append("b", new byte[1], 0);
        CompletableFuture<Void> f = asked.delivered();
        asked.fail(new IOException("lost"));
        asked.confirm();
        assertTrue(f.isCompletedExceptionally());
    }

    @Test
    void aSenderAskingWhileTheReaderConfirmsAlwaysSeesTheConfirmation() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            ReplayBuffer.Entry<String> e = buffer.append("m" + i, new byte[1], 0);
            AtomicReference<CompletableFuture<Void>> seen = new AtomicReference<>();
            Thread sender = Thread.ofVirtual().start(() -> seen.set(e.delivered()));
            e.confirm();
            sender.join();
            assertTrue(seen.get().isDone(), "message " + i + ": its future missed the confirmation");
            assertSame(seen.get(), e.delivered());
            buffer.release(e.position());
        }
    }
}
