package dev.vigil.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A connection was refused before its handshake completed: by this server's limits or filter, or by the peer. */
@Name("dev.vigil.HandshakeRefused")
@Label("Handshake Refused")
@Category("Vigil")
@Description("A Vigil connection was refused before its handshake completed: by this server (a limit or its filter) "
        + "or by the peer")
@Enabled
@StackTrace(false)
final class HandshakeRefusedEvent extends Event {
    @Label("Remote Address")
    String remoteAddress;

    @Label("By Peer")
    @Description("Whether the peer refused this side, rather than this side refusing the peer")
    boolean byPeer;

    @Label("Reason")
    String reason;
}
