package dev.vigil.internal.conn;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendQueueTest {

    @Test
    void messagesComeOutInTheOrderTheyWentInAcrossGrowthAndWrapAround() {
        SendQueue queue = new SendQueue(1000);
        Object[] batch = new Object[2 * 7];
        List<Integer> out = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < round % 13; i++) {
                queue.add(next++, new CompletableFuture<>());
            }
            int n = queue.takeInto(batch, 7);
            for (int i = 0; i < n; i++) {
                out.add((Integer) batch[2 * i]);
                assertTrue(batch[2 * i + 1] instanceof CompletableFuture<?>);
            }
        }
        while (queue.size() > 0) {
            int n = queue.takeInto(batch, 7);
            for (int i = 0; i < n; i++) {
                out.add((Integer) batch[2 * i]);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < next; i++) {
            expected.add(i);
        }
        assertEquals(expected, out);
    }

    @Test
    void failAllFailsEveryQueuedSendWithTheError() {
        SendQueue queue = new SendQueue(16);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            futures.add(f);
            queue.add("m" + i, f);
        }
        IllegalStateException error = new IllegalStateException("closed");
        queue.failAll(error);
        assertEquals(0, queue.size());
        for (CompletableFuture<Void> f : futures) {
            assertSame(error, f.handle((v, e) -> e).join());
        }
    }
}
