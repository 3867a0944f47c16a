package dev.vigil.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A connection moved between ACTIVE and SUSPECT. */
@Name("dev.vigil.ConnectionStateChanged")
@Label("Connection State Changed")
@Category("Vigil")
@Description("A Vigil connection moved between ACTIVE and SUSPECT (both ways)")
@Enabled
@StackTrace(false)
final class StateChangedEvent extends Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("From")
    String from;

    @Label("To")
    String to;

    @Label("Silence")
    @Description("The silence that made the peer suspect; N/A when it recovered")
    @Timespan(Timespan.NANOSECONDS)
    long silence;
}
