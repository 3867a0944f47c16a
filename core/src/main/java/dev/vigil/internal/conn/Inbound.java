package dev.vigil.internal.conn;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.MessageCodec;
import dev.vigil.MetricsObserver;
import dev.vigil.internal.guard.ControlFrameGuard;
import dev.vigil.internal.jfr.VigilEvents;
import dev.vigil.internal.wire.Fatal;
import dev.vigil.internal.wire.FrameHandler;
import dev.vigil.internal.wire.Framing;
import dev.vigil.internal.wire.Hello;
import dev.vigil.internal.wire.InboundBuffer;
import dev.vigil.internal.wire.Wire;
import org.jetbrains.annotations.Nullable;

import java.util.concurrent.TimeUnit;

/**
 * What the reader does with the bytes it read: the handshake first (the peer's HELLO, or its refusal and the CLOSE
 * that follows), then every complete frame in order: messages to the listener, PINGs answered (ahead of queued data)
 * and policed, PONGs timed, a CLOSE begun. Reader thread only, except the counters, which {@code stats()} reads.
 */
final class Inbound<M> implements FrameHandler {
    private enum Stage { HELLO, REFUSED, FRAMES }

    private final ConnectionCore<M> core;
    private final MessageCodec<M> codec;
    private final Framing framing;
    private final MetricsObserver metrics;
    private final int maxFrameSize;
    private final PingEnforcer enforcer;
    final InboundBuffer buffer;
    private Stage stage;
    /** The peer sent CLOSE: whatever it sends after that is read and dropped. */
    private boolean peerClosed;
    private long lastArrival;
    private long bytesReported;
    private volatile long framesIn;
    private volatile long bytesIn;
    private volatile long lastFrameNanos;

    Inbound(ConnectionCore<M> core, MessageCodec<M> codec, Framing framing, MetricsObserver metrics, int maxFrameSize,
            PingEnforcer enforcer) {
        this.core = core;
        this.codec = codec;
        this.framing = framing;
        this.metrics = metrics;
        this.maxFrameSize = maxFrameSize;
        this.enforcer = enforcer;
        this.buffer = new InboundBuffer(maxFrameSize);
        this.stage = framing.hasHello() ? Stage.HELLO : Stage.FRAMES;
    }

    long framesIn() {
        return framesIn;
    }

    long bytesIn() {
        return bytesIn;
    }

    long lastFrameNanos() {
        return lastFrameNanos;
    }

    void opened(long now) {
        lastArrival = now;
    }

    /**
     * Takes {@code n} bytes the reader put into the buffer at {@code now}.
     *
     * @return the gap since the previous bytes arrived
     */
    long arrived(int n, int space, long now) {
        buffer.wrote(n, space);
        bytesIn = bytesIn + n;
        long gap = now - lastArrival;
        lastArrival = now;
        return gap;
    }

    /**
     * Decodes what the buffer holds.
     *
     * @throws Fatal if the peer broke the protocol or a rule
     */
    void decode() throws Fatal {
        if (stage == Stage.HELLO) {
            Hello hello = Hello.decode(buffer);
            if (hello == null) {
                return;
            }
            stage = hello.refusing() ? Stage.REFUSED : Stage.FRAMES;
            if (stage == Stage.FRAMES) {
                negotiate(hello);
                SessionLink<M> session = core.outbound.session;
                if (session == null || session.negotiated(hello, lastArrival)) {
                    core.open(); // a client asking for a session opens on the SESSION frame instead
                }
            }
        }
        if (stage == Stage.REFUSED) {
            awaitRefusal();
            return;
        }
        long before = framesIn;
        try {
            framing.decode(buffer, this);
        } finally {
            if (framesIn != before) {
                lastFrameNanos = lastArrival;
            }
        }
    }

    /** Reports the bytes and frames read since the last report (so the handshake's bytes count too). */
    void report(long framesBefore) {
        if (stage != Stage.FRAMES) {
            return; // a connection that has not opened reports nothing; its handshake bytes count with the first frames
        }
        int frames = (int) (framesIn - framesBefore);
        if (metrics != MetricsObserver.NONE && (bytesIn > bytesReported || frames > 0)) {
            metrics.received(core, frames, (int) (bytesIn - bytesReported));
            bytesReported = bytesIn;
        }
    }

    /** {@return when bytes last arrived (reader thread)} */
    long lastArrival() {
        return lastArrival;
    }

    /** Why an end of stream here ends the connection, or null if it is an ordinary close by the peer. */
    @Nullable CloseReason endOfStream() {
        return switch (stage) {
            case HELLO -> CloseReason.local(Kind.PROTOCOL_ERROR, "peer closed the connection during the handshake");
            case REFUSED -> CloseReason.local(Kind.REJECTED, "peer refused the connection");
            case FRAMES -> buffer.readable() == 0 || peerClosed ? null : cutMidFrame();
        };
    }

    /** The peer's FIN came in the middle of a frame: say how much of it arrived, unlike a clean close. */
    private CloseReason cutMidFrame() {
        int have = buffer.readable();
        String what;
        if (!framing.hasHello()) {
            what = "a line of " + have + " bytes arrived without its line break";
        } else if (have < Wire.HEADER) {
            what = have + " of the " + Wire.HEADER + " bytes of a frame header arrived";
        } else {
            long len = Wire.getInt(buffer.array(), buffer.writeIndex() - have) & 0xffffffffL;
            what = have + " of the " + (Wire.HEADER + len) + " bytes of a frame arrived";
        }
        return CloseReason.local(Kind.PROTOCOL_ERROR, "peer closed the connection in the middle of a frame: " + what);
    }

    private void negotiate(Hello hello) throws Fatal {
        if (hello.version() < 1) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "peer speaks protocol version " + hello.version()
                    + " (supported: " + Wire.VERSION + ")");
        }
        // Both sides announce the highest version they speak; the lower one is used. Version 1 is all there is.
        if (hello.maxFrame() > 0) {
            core.outbound.peerMaxFrame(Math.min(maxFrameSize, hello.maxFrame()));
        }
        String refused = core.heartbeat.peerMinPingInterval(TimeUnit.MILLISECONDS.toNanos(hello.minPingMs()));
        if (refused != null) {
            throw new Fatal(Kind.POLICY_VIOLATION, refused);
        }
    }

    /** The peer refused us in its HELLO: the next frame must be its CLOSE, whose reason the connection ends with. */
    private void awaitRefusal() throws Fatal {
        if (buffer.readable() < Wire.HEADER) {
            framing.decode(buffer, this); // makes room; decodes nothing
            return;
        }
        byte[] b = buffer.array();
        int at = buffer.writeIndex() - buffer.readable();
        int len = Wire.getInt(b, at);
        if (b[at + 4] != Wire.CLOSE || len < 2 || len > 2 + Wire.MAX_CLOSE_TEXT) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "peer refused the connection without a valid CLOSE frame");
        }
        framing.decode(buffer, this);
        CloseReason reason = core.closeReason();
        if (reason != null) {
            VigilEvents.handshakeRefused(core.remoteAddress(), reason.message(), true);
            throw new Fatal(reason.kind(), "refused by the peer");
        }
    }

    // ---- frames ----

    @Override
    public boolean paused() {
        return core.guards.pausing();
    }

    @Override
    public void onData(byte[] b, int off, int len) throws Fatal {
        framesIn = framesIn + 1;
        if (peerClosed) {
            return;
        }
        core.firstFrame();
        core.guards.onData(len, lastArrival);
        SessionLink<M> session = core.outbound.session;
        if (session != null && !session.onData(lastArrival)) {
            return; // a replayed copy, or an ended session's frame
        }
        M message;
        try {
            message = codec.decode(b, off, len);
        } catch (Exception | LinkageError e) {
            throw new Fatal(Kind.PROTOCOL_ERROR, "codec " + codec + " could not decode a frame of " + len
                    + " bytes: " + e.getMessage(), e);
        }
        core.dispatch.message(message);
        if (session != null) {
            session.delivered(lastArrival);
        }
    }

    @Override
    public void onSessionFrame(byte type, byte[] b, int off, int len) throws Fatal {
        framesIn = framesIn + 1;
        SessionLink<M> session = core.outbound.session;
        if (session == null) {
            FrameHandler.super.onSessionFrame(type, b, off, len);
        } else if (!peerClosed) {
            core.firstFrame();
            session.onFrame(type, b, off, len);
        }
    }

    @Override
    public void onPing(long nonce) throws Fatal {
        framesIn = framesIn + 1;
        if (peerClosed) {
            return;
        }
        core.firstFrame();
        core.guards.onControl(ControlFrameGuard.Type.PING, lastArrival);
        enforcer.pinged(lastArrival);
        core.outbound.pong(nonce);
    }

    @Override
    public void onPong(long nonce, boolean echoed) throws Fatal {
        framesIn = framesIn + 1;
        core.firstFrame();
        core.guards.onControl(ControlFrameGuard.Type.PONG, lastArrival);
        long sentAt = core.pings.answered(nonce, echoed);
        if (sentAt != Long.MIN_VALUE) {
            core.heartbeat.rttSample(lastArrival - sentAt);
            if (metrics != MetricsObserver.NONE) {
                metrics.rtt(core, core.heartbeat.rtt().last());
            }
        }
    }

    @Override
    public void onClose(int code, String text) throws Fatal {
        framesIn = framesIn + 1;
        core.guards.onControl(ControlFrameGuard.Type.CLOSE, lastArrival);
        if (peerClosed) {
            return;
        }
        peerClosed = true;
        if (core.outbound.session != null) {
            core.outbound.session.closeFrame();
        }
        Kind kind = Kind.ofCode(code);
        if (kind == Kind.CLOSED_LOCALLY) {
            kind = Kind.CLOSED_BY_PEER;
        }
        core.beginClose(new CloseReason(kind, true, text.isEmpty() ? "peer closed the connection" : text, null));
    }
}
