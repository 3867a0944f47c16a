package dev.vigil.internal.jfr;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionState;
import dev.vigil.ResumeFailure;
import dev.vigil.RttStats;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import org.jetbrains.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * What the connection machinery calls to emit Vigil's JFR events: one static call per event, made where the event
 * happens. Each call first asks whether Flight Recorder has been started in this JVM at all (a static field read),
 * then whether its event is enabled in a running recording (another); when not, the call returns at once and
 * allocates nothing, so the call sites need no guard of their own. Vigil registers its event types only once Flight
 * Recorder has been started (by {@code -XX:StartFlightRecording}, {@code jcmd JFR.start} or the API): a JVM that
 * never records does not start Flight Recorder because of Vigil.
 *
 * <p>Times are in nanoseconds. A negative time means "not applicable" and is recorded as such ({@code N/A} in
 * {@code jfr print}).
 */
public final class VigilEvents {
    private static final Logger log = LoggerFactory.getLogger(VigilEvents.class);
    /** What JFR shows as N/A in a timespan field. */
    private static final long NOT_APPLICABLE = Long.MIN_VALUE;

    /** Which event is which in {@link Types}. */
    private static final int OPENED = 0;
    private static final int CLOSED = 1;
    private static final int STATE_CHANGED = 2;
    private static final int HEARTBEAT_TIMEOUT = 3;
    private static final int SLOW_CONSUMER = 4;
    private static final int HANDSHAKE_REFUSED = 5;
    private static final int SESSION_RESUMED = 6;
    private static final int SESSION_RESUME_FAILED = 7;

    private VigilEvents() {
    }

    /** The event types, registered with Flight Recorder when first needed (the holder idiom: once, thread-safe). */
    private static final class Types {
        static final @Nullable EventType[] ALL = {
                type(ConnectionOpenedEvent.class), type(ConnectionClosedEvent.class), type(StateChangedEvent.class),
                type(HeartbeatTimeoutEvent.class), type(SlowConsumerEvent.class), type(HandshakeRefusedEvent.class),
                type(SessionResumedEvent.class), type(SessionResumeFailedEvent.class)};

        private static @Nullable EventType type(Class<? extends Event> event) {
            try {
                return EventType.getEventType(event);
            } catch (RuntimeException | LinkageError e) {
                log.debug("JFR event {} unavailable ({}); Vigil does not record it", event.getName(), e.toString());
                return null;
            }
        }
    }

    private static boolean enabled(int event) {
        if (!RECORDER_PRESENT || !FlightRecorder.isInitialized()) {
            return false; // no recording has ever run in this JVM: nothing can be enabled
        }
        EventType type = Types.ALL[event];
        return type != null && type.isEnabled();
    }

    /** Whether this JVM has Flight Recorder's API at all (a runtime image without jdk.jfr has not). */
    private static final boolean RECORDER_PRESENT = recorderPresent();

    private static boolean recorderPresent() {
        try {
            FlightRecorder.isInitialized();
            return true;
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * A connection completed its handshake.
     *
     * @param connection the connection
     */
    public static void opened(Connection<?> connection) {
        if (!enabled(OPENED)) {
            return;
        }
        ConnectionOpenedEvent event = new ConnectionOpenedEvent();
        event.connectionId = connection.id();
        event.client = connection.isClient();
        event.remoteAddress = address(connection.remoteAddress());
        event.localAddress = address(connection.localAddress());
        event.commit();
    }

    /**
     * A connection that had opened is closed.
     *
     * @param connection   the connection
     * @param reason       why
     * @param silenceNanos how long before the close the last bytes came from the peer
     * @param rtt          the connection's RTT statistics at the close
     */
    public static void closed(Connection<?> connection, CloseReason reason, long silenceNanos, RttStats rtt) {
        if (!enabled(CLOSED)) {
            return;
        }
        ConnectionClosedEvent event = new ConnectionClosedEvent();
        event.connectionId = connection.id();
        event.client = connection.isClient();
        event.remoteAddress = address(connection.remoteAddress());
        event.kind = reason.kind().name();
        event.byPeer = reason.remote();
        event.message = reason.message();
        event.silence = timespan(silenceNanos);
        event.lastRtt = rtt.samples() == 0 ? NOT_APPLICABLE : rtt.last().toNanos();
        event.smoothedRtt = rtt.samples() == 0 ? NOT_APPLICABLE : rtt.smoothed().toNanos();
        event.rttSamples = rtt.samples();
        event.commit();
    }

    /**
     * A connection moved between {@link ConnectionState#ACTIVE} and {@link ConnectionState#SUSPECT}.
     *
     * @param connection   the connection
     * @param from         the state it left
     * @param to           the state it entered
     * @param silenceNanos the silence that made the peer suspect, or negative when it recovered
     */
    public static void stateChanged(Connection<?> connection, ConnectionState from, ConnectionState to,
                                    long silenceNanos) {
        if (!enabled(STATE_CHANGED)) {
            return;
        }
        StateChangedEvent event = new StateChangedEvent();
        event.connectionId = connection.id();
        event.remoteAddress = address(connection.remoteAddress());
        event.from = from.name();
        event.to = to.name();
        event.silence = timespan(silenceNanos);
        event.commit();
    }

    /**
     * A peer is declared dead by its heartbeat.
     *
     * @param connection      the connection
     * @param silenceNanos    how long the peer had been silent
     * @param pingsUnanswered PINGs sent that no PONG answered
     * @param ownStallNanos   the part of the silence during which this JVM was measured stalled (not counted)
     * @param rtt             the connection's RTT statistics
     */
    public static void heartbeatTimeout(Connection<?> connection, long silenceNanos, long pingsUnanswered,
                                        long ownStallNanos, RttStats rtt) {
        if (!enabled(HEARTBEAT_TIMEOUT)) {
            return;
        }
        HeartbeatTimeoutEvent event = new HeartbeatTimeoutEvent();
        event.connectionId = connection.id();
        event.client = connection.isClient();
        event.remoteAddress = address(connection.remoteAddress());
        event.silence = timespan(silenceNanos);
        event.ownStall = Math.max(0, ownStallNanos);
        event.pingsUnanswered = Math.max(0, pingsUnanswered);
        event.lastRtt = rtt.samples() == 0 ? NOT_APPLICABLE : rtt.last().toNanos();
        event.commit();
    }

    /**
     * A connection's outbound queue overflowed under the CLOSE backpressure policy.
     *
     * @param connection the connection
     * @param queued     messages queued when it overflowed
     * @param limit      the queue's limit
     */
    public static void slowConsumer(Connection<?> connection, int queued, int limit) {
        if (!enabled(SLOW_CONSUMER)) {
            return;
        }
        SlowConsumerEvent event = new SlowConsumerEvent();
        event.connectionId = connection.id();
        event.remoteAddress = address(connection.remoteAddress());
        event.queued = queued;
        event.limit = limit;
        event.commit();
    }

    /**
     * A connection was refused before its handshake completed.
     *
     * @param remote the peer's address
     * @param reason why, as the refusing side said it
     * @param byPeer whether the peer refused this side (rather than this side refusing the peer)
     */
    public static void handshakeRefused(InetSocketAddress remote, String reason, boolean byPeer) {
        if (!enabled(HANDSHAKE_REFUSED)) {
            return;
        }
        HandshakeRefusedEvent event = new HandshakeRefusedEvent();
        event.remoteAddress = address(remote);
        event.reason = reason;
        event.byPeer = byPeer;
        event.commit();
    }

    /**
     * A session was resumed on a new connection.
     *
     * @param connection the new connection
     * @param session    the session's id
     * @param toPeer     frames this side replays
     * @param fromPeer   frames the peer replays
     */
    public static void sessionResumed(Connection<?> connection, UUID session, long toPeer, long fromPeer) {
        if (!enabled(SESSION_RESUMED)) {
            return;
        }
        SessionResumedEvent event = new SessionResumedEvent();
        event.connectionId = connection.id();
        event.remoteAddress = address(connection.remoteAddress());
        event.session = session.toString();
        event.replayedToPeer = toPeer;
        event.replayedFromPeer = fromPeer;
        event.commit();
    }

    /**
     * A session could not be resumed.
     *
     * @param connection the new connection
     * @param session    the old session's id
     * @param reason     why
     * @param handedBack messages handed back to the application
     */
    public static void sessionResumeFailed(Connection<?> connection, UUID session, ResumeFailure reason,
                                           int handedBack) {
        if (!enabled(SESSION_RESUME_FAILED)) {
            return;
        }
        SessionResumeFailedEvent event = new SessionResumeFailedEvent();
        event.connectionId = connection.id();
        event.remoteAddress = address(connection.remoteAddress());
        event.session = session.toString();
        event.reason = reason.name();
        event.handedBack = handedBack;
        event.commit();
    }

    private static long timespan(long nanos) {
        return nanos < 0 ? NOT_APPLICABLE : nanos;
    }

    /** {@return the address as {@code 127.0.0.1:7000} or {@code [::1]:7000}: the IP, never a host name} */
    private static String address(@Nullable InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString()
                : ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + address.getPort();
    }
}
