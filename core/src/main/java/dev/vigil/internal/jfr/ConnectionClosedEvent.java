package dev.vigil.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A connection that had opened is closed. */
@Name("dev.vigil.ConnectionClosed")
@Label("Connection Closed")
@Category("Vigil")
@Description("A Vigil connection that had opened is closed, with the kind and text of its close reason")
@Enabled
@StackTrace(false)
final class ConnectionClosedEvent extends Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Client")
    boolean client;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Kind")
    @Description("The kind of close reason (CloseReason.Kind): HEARTBEAT_TIMEOUT, CLOSED_BY_PEER, RESET, ...")
    String kind;

    @Label("By Peer")
    @Description("Whether the peer gave this reason in its CLOSE frame, rather than this side deciding or detecting it")
    boolean byPeer;

    @Label("Message")
    String message;

    @Label("Silence")
    @Description("How long before the close the last bytes came from the peer")
    @Timespan(Timespan.NANOSECONDS)
    long silence;

    @Label("Last RTT")
    @Description("The latest round-trip time measured by heartbeats; N/A if none was")
    @Timespan(Timespan.NANOSECONDS)
    long lastRtt;

    @Label("Smoothed RTT")
    @Timespan(Timespan.NANOSECONDS)
    long smoothedRtt;

    @Label("RTT Samples")
    long rttSamples;
}
