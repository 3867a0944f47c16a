package dev.vigil.internal.conn;

import java.util.concurrent.CompletableFuture;

/**
 * The one future that every send written on its caller's thread returns: already completed, so such a send
 * allocates no future. Shared by every connection, so it refuses the two methods that could change a completed
 * future ({@code obtrudeValue}, {@code obtrudeException}); {@code complete}, {@code completeExceptionally} and
 * {@code cancel} already return false on it and change nothing. Its dependents are plain futures.
 */
final class Written extends CompletableFuture<Void> {
    /** The shared completed send. */
    static final CompletableFuture<Void> DONE = new Written();

    private Written() {
        super.complete(null);
    }

    @Override
    public void obtrudeValue(Void value) {
        throw new UnsupportedOperationException("a send's future is shared: it cannot be obtruded");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("a send's future is shared: it cannot be obtruded");
    }

    /** The future the replies of one read share ({@link HeldReplies}): it too refuses to be obtruded. */
    static final class Shared extends CompletableFuture<Void> {
        @Override
        public void obtrudeValue(Void value) {
            throw new UnsupportedOperationException("a send's future is shared: it cannot be obtruded");
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException("a send's future is shared: it cannot be obtruded");
        }
    }
}
