package dev.vigil.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A connection's outbound queue overflowed under the CLOSE backpressure policy. */
@Name("dev.vigil.SlowConsumer")
@Label("Slow Consumer")
@Category("Vigil")
@Description("A Vigil peer read too slowly: its outbound queue overflowed and the connection is closed "
        + "(backpressure policy CLOSE)")
@Enabled
@StackTrace(false)
final class SlowConsumerEvent extends Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Queued Messages")
    @Description("Messages accepted by send and not yet written when the queue overflowed")
    long queued;

    @Label("Queue Limit")
    @Description("The manager's maxQueuedMessages")
    long limit;
}
