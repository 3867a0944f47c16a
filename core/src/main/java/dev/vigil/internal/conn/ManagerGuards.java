package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.Limits;
import dev.vigil.internal.guard.AggregatingLog;
import dev.vigil.internal.guard.PartialFrameBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * What one manager's connections share in their defence against hostile peers: the {@link Limits}, the budget for
 * partial frames across all of them, and the log that aggregates the warnings an attacker can make repeat (closing
 * reasons, refusals), so a flood of bad connections costs two lines per kind per ten seconds, not one per connection.
 */
public final class ManagerGuards {
    private static final Logger log = LoggerFactory.getLogger(ConnectionCore.class);
    /** How long one window of the aggregated log lasts. */
    public static final long LOG_WINDOW = TimeUnit.SECONDS.toNanos(10);

    private final Limits limits;
    private final PartialFrameBudget<ConnectionCore<?>> budget;
    private final AggregatingLog aggregated;

    /** @param limits the manager's limits */
    public ManagerGuards(Limits limits) {
        this.limits = limits;
        this.budget = new PartialFrameBudget<>(limits.partialFrameBudget());
        this.aggregated = AggregatingLog.of(log, LOG_WINDOW);
    }

    /** {@return the manager's limits} */
    public Limits limits() {
        return limits;
    }

    /** {@return the budget for the memory held by partial frames, across the manager's connections} */
    public PartialFrameBudget<ConnectionCore<?>> budget() {
        return budget;
    }

    /** {@return the manager's aggregated warnings; the heartbeat timer flushes it} */
    public AggregatingLog log() {
        return aggregated;
    }

    /** Logs that {@code core} is closing: an ordinary close at DEBUG, any other at WARN, aggregated per kind. */
    void logClose(ConnectionCore<?> core, CloseReason reason, long now) {
        switch (reason.kind()) {
            case CLOSED_LOCALLY, CLOSED_BY_PEER, SHUTDOWN -> log.debug("{}: closing: {}", core.logName(), reason);
            default -> aggregated.warn(now, "closing " + reason.kind(), "{}: closing: {}", core.logName(), reason);
        }
    }
}
