package dev.vigil.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waits for a condition that no listener call announces (an RTT sample count, a registry size), checking it every
 * millisecond until a deadline. Parking between checks leaves the CPU to the code under test.
 */
public final class Await {
    private Await() {
    }

    public static void until(Duration timeout, BooleanSupplier condition, String what) {
        until(timeout, condition, () -> what);
    }

    /** As above, with a description made when it fails, so it can show the state at that moment. */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, () -> "not within " + timeout + ": " + what.get());
            LockSupport.parkNanos(1_000_000);
        }
    }
}
