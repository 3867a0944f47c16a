package dev.vigil.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A session could not be resumed; its undelivered messages were handed back and a new session started. */
@Name("dev.vigil.SessionResumeFailed")
@Label("Session Resume Failed")
@Category("Vigil")
@Description("A Vigil session could not be resumed (unknown session, epoch changed, replay buffer overflowed, "
        + "expired); its undelivered messages were handed back to the application")
@Enabled
@StackTrace(false)
final class SessionResumeFailedEvent extends Event {
    @Label("Connection Id")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Session Id")
    @Description("The session that could not be resumed")
    String session;

    @Label("Reason")
    String reason;

    @Label("Handed Back")
    @Description("Messages handed back to the application")
    long handedBack;
}
