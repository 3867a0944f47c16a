package dev.vigil.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A session survived a reconnect: a new connection carries it on. */
@Name("dev.vigil.SessionResumed")
@Label("Session Resumed")
@Category("Vigil")
@Description("A Vigil session was resumed on a new connection; each side replays what the other had not delivered")
@Enabled
@StackTrace(false)
final class SessionResumedEvent extends Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Session Id")
    String session;

    @Label("Replayed To Peer")
    @Description("DATA frames this side sends again")
    long replayedToPeer;

    @Label("Replayed From Peer")
    @Description("DATA frames the peer sends again")
    long replayedFromPeer;
}
