package dev.vigil.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A peer showed no sign of life within the heartbeat timeout: it is declared dead. */
@Name("dev.vigil.HeartbeatTimeout")
@Label("Heartbeat Timeout")
@Category("Vigil")
@Description("A Vigil peer showed no sign of life within the heartbeat policy's timeout and is declared dead")
@Enabled
@StackTrace(false)
final class HeartbeatTimeoutEvent extends Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Client")
    boolean client;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Silence")
    @Description("How long the peer had been silent: since the last bytes from it")
    @Timespan(Timespan.NANOSECONDS)
    long silence;

    @Label("Own Stall")
    @Description("The part of the silence during which this JVM itself was stalled, as the heartbeat timer measured "
            + "it; not counted against the peer")
    @Timespan(Timespan.NANOSECONDS)
    long ownStall;

    @Label("PINGs Unanswered")
    long pingsUnanswered;

    @Label("Last RTT")
    @Description("The latest round-trip time measured before the peer went silent; N/A if none was")
    @Timespan(Timespan.NANOSECONDS)
    long lastRtt;
}
