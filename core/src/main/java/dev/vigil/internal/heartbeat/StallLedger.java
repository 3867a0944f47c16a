package dev.vigil.internal.heartbeat;

import dev.vigil.internal.conn.Pauses;

/**
 * This JVM's measured stalls as a connection core asks for them: a view of a {@link LocalPauses} ledger (the
 * manager's timer's, in production), or a fresh one that a test's {@code EmbeddedConnection} records its simulated
 * stalls into.
 */
public final class StallLedger implements Pauses {
    private final LocalPauses ledger;

    /** An empty ledger of its own. */
    public StallLedger() {
        this(new LocalPauses());
    }

    public StallLedger(LocalPauses ledger) {
        this.ledger = ledger;
    }

    /** Records that this JVM stalled from {@code from} to {@code to}. */
    public void record(long from, long to) {
        ledger.record(from, to);
    }

    @Override
    public long stalledWithin(long from, long to) {
        return ledger.stalledWithin(from, to);
    }
}
