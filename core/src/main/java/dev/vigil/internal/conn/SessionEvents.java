package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Connection;
import dev.vigil.ConnectionClosedException;
import dev.vigil.ResumeFailure;
import dev.vigil.SessionListener;
import dev.vigil.internal.jfr.VigilEvents;
import dev.vigil.internal.session.Admission;
import dev.vigil.internal.session.ClientOutcome;
import dev.vigil.internal.session.Link;
import dev.vigil.internal.session.ReplayBuffer;
import dev.vigil.internal.session.Settlement;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a connection's handshake decided about its session, reported right after {@code onOpen}, on the reader and
 * outside the connection's locks: the confirmed entries' delivery futures complete, a displaced connection is closed,
 * a refused session's messages are handed back, then the {@link SessionListener} events in their contract's order
 * (and the JFR events and log lines).
 */
final class SessionEvents {
    private static final Logger log = LoggerFactory.getLogger(SessionEvents.class);

    private SessionEvents() {
    }

    static <M> void server(ConnectionCore<M> c, @Nullable SessionListener<M> listener,
                           Admission<M, Connection<M>> admission) {
        switch (admission) {
            case Admission.Started<M, Connection<M>> s -> started(c, listener, s.link());
            case Admission.Resumed<M, Connection<M>> r -> {
                confirm(c, r.released());
                displace(r.displaced(), c);
                resumed(c, listener, r.link(), r.replayedToPeer(), r.replayedFromPeer());
            }
            case Admission.Refused<M, Connection<M>> r -> {
                confirm(c, r.released());
                displace(r.displaced(), c);
                refused(c, listener, r.old(), r.reason(), r.detail(), r.handedBack());
                started(c, listener, r.link());
            }
            default -> throw new IllegalStateException("admission without a link: " + admission);
        }
    }

    static <M> void client(ConnectionCore<M> c, @Nullable SessionListener<M> listener, ClientOutcome<M> outcome) {
        confirm(c, outcome.released());
        switch (outcome) {
            case ClientOutcome.Started<M> s -> started(c, listener, s.link());
            case ClientOutcome.Resumed<M> r -> resumed(c, listener, r.link(), r.replayedToPeer(), r.replayedFromPeer());
            case ClientOutcome.Refused<M> r -> {
                refused(c, listener, r.old(), r.reason(), r.detail(), r.handedBack());
                started(c, listener, r.link());
            }
        }
    }

    private static <M> void started(ConnectionCore<M> c, @Nullable SessionListener<M> listener, Link<M> link) {
        UUID id = link.session().id();
        log.debug("{}: session {} started", c.logName(), id);
        SessionListener<M> l = listener;
        if (l != null && id != null) {
            c.dispatch.call("onSessionStarted", () -> l.onSessionStarted(c, id));
        }
    }

    private static <M> void resumed(ConnectionCore<M> c, @Nullable SessionListener<M> listener, Link<M> link,
                                    long toPeer, long fromPeer) {
        UUID id = Objects.requireNonNull(link.session().id());
        log.info("{}: session {} resumed: {} frames replayed to the peer, {} from it", c.logName(), id, toPeer,
                fromPeer);
        VigilEvents.sessionResumed(c, id, toPeer, fromPeer);
        c.outbound.writer.metrics.sessionResumed(c, toPeer, fromPeer);
        SessionListener<M> l = listener;
        if (l != null) {
            c.dispatch.call("onResumed", () -> l.onResumed(c, id, toPeer, fromPeer));
        }
    }

    private static <M> void refused(ConnectionCore<M> c, @Nullable SessionListener<M> listener, UUID old,
                                    ResumeFailure reason, String detail, List<ReplayBuffer.Entry<M>> back) {
        log.warn("{}: {}", c.logName(), detail);
        VigilEvents.sessionResumeFailed(c, old, reason, back.size());
        c.outbound.writer.metrics.sessionResumeFailed(c, reason, back.size());
        List<M> messages = Settlement.handBack(back, old, reason, detail);
        failWritten(back, new ConnectionClosedException(CloseReason.local(Kind.CLOSED_LOCALLY, detail)));
        SessionListener<M> l = listener;
        if (l != null) {
            c.dispatch.call("onResumeFailed", () -> l.onResumeFailed(c, old, reason, messages));
        }
    }

    private static <M> void displace(@Nullable Connection<M> displaced, ConnectionCore<M> by) {
        if (displaced instanceof ConnectionCore<M> old && old != by) {
            old.abort(CloseReason.local(Kind.CLOSED_LOCALLY, "session taken over by " + by.logName()), false);
        }
    }


    /** The peer's count covered these: their delivery futures complete, and the metrics hear how many. */
    static <M> void confirm(ConnectionCore<M> c, List<ReplayBuffer.Entry<M>> released) {
        if (!released.isEmpty()) {
            Settlement.confirm(released);
            c.outbound.writer.metrics.deliveryConfirmed(c, released.size());
        }
    }

    static <M> void failWritten(List<ReplayBuffer.Entry<M>> entries, Throwable error) {
        for (ReplayBuffer.Entry<M> e : entries) {
            e.written().completeExceptionally(error);
        }
    }
}
