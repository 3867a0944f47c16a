package dev.vigil.internal;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.MetricsObserver;
import dev.vigil.ResumeFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** The user's observer, with whatever it throws logged (once) and dropped, so metrics never break a connection. */
final class GuardedMetrics implements MetricsObserver {
    private static final Logger log = LoggerFactory.getLogger(GuardedMetrics.class);

    private final MetricsObserver observer;
    private final AtomicBoolean warned = new AtomicBoolean();

    private GuardedMetrics(MetricsObserver observer) {
        this.observer = observer;
    }

    static MetricsObserver of(MetricsObserver observer) {
        return observer == MetricsObserver.NONE ? observer : new GuardedMetrics(observer);
    }

    private void failed(RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
            log.warn("metrics observer {} threw; ignoring this and later failures", observer, e);
        }
    }

    @Override
    public void opened(Connection<?> connection) {
        try {
            observer.opened(connection);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void closed(Connection<?> connection, CloseReason reason) {
        try {
            observer.closed(connection, reason);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void handshakeFailed(InetSocketAddress remote, CloseReason reason) {
        try {
            observer.handshakeFailed(remote, reason);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void refused(InetSocketAddress remote, String reason) {
        try {
            observer.refused(remote, reason);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void received(Connection<?> connection, int frames, int bytes) {
        try {
            observer.received(connection, frames, bytes);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void sent(Connection<?> connection, int frames, int bytes) {
        try {
            observer.sent(connection, frames, bytes);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void sessionResumed(Connection<?> connection, long replayedToPeer, long replayedFromPeer) {
        try {
            observer.sessionResumed(connection, replayedToPeer, replayedFromPeer);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void sessionResumeFailed(Connection<?> connection, ResumeFailure reason, int handedBack) {
        try {
            observer.sessionResumeFailed(connection, reason, handedBack);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void deliveryConfirmed(Connection<?> connection, int messages) {
        try {
            observer.deliveryConfirmed(connection, messages);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void rtt(Connection<?> connection, Duration rtt) {
        try {
            observer.rtt(connection, rtt);
        } catch (RuntimeException e) {
            failed(e);
        }
    }
}
