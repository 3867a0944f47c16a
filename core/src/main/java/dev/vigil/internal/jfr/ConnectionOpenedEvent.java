package dev.vigil.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A connection completed its handshake. */
@Name("dev.vigil.ConnectionOpened")
@Label("Connection Opened")
@Category("Vigil")
@Description("A Vigil connection completed its handshake and is open")
@Enabled
@StackTrace(false)
final class ConnectionOpenedEvent extends Event {
    @Label("Connection Id")
    @Description("The id that log lines and thread names show as conn-<id>")
    long connectionId;

    @Label("Client")
    @Description("Whether this side opened the connection (connect) rather than accepted it")
    boolean client;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Local Address")
    String localAddress;
}
