package dev.vigil.internal.session;

import dev.vigil.ResumeFailure;
import dev.vigil.SessionLostException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Settles entries' delivery futures once the session machinery has said what happened to them. Completing a future
 * runs its dependents on the calling thread, so call these outside every lock, on the connection's thread, before the
 * matching listener event.
 */
public final class Settlement {
    private Settlement() {
    }

    /**
     * The peer delivered these.
     *
     * @param released entries an ACK or a resume count confirmed
     * @param <M>      the type of messages
     */
    public static <M> void confirm(List<ReplayBuffer.Entry<M>> released) {
        for (ReplayBuffer.Entry<M> e : released) {
            e.confirm();
        }
    }

    /**
     * The session ended before the peer delivered these: their futures fail, their messages go back to the
     * application.
     *
     * @param back    the entries handed back, oldest first
     * @param session the session that ended
     * @param reason  why
     * @param detail  a sentence with the numbers
     * @param <M>     the type of messages
     * @return the messages, oldest first, for the listener event
     */
    public static <M> List<M> handBack(List<ReplayBuffer.Entry<M>> back, UUID session, ResumeFailure reason,
                                       String detail) {
        SessionLostException lost = new SessionLostException(session, reason, detail);
        return fail(back, lost);
    }

    /**
     * The session ended by a graceful close before the peer confirmed these.
     *
     * @param back  the entries not confirmed, oldest first
     * @param error the close's exception ({@code ConnectionClosedException})
     * @param <M>   the type of messages
     * @return their messages, oldest first
     */
    public static <M> List<M> fail(List<ReplayBuffer.Entry<M>> back, IOException error) {
        List<M> messages = new ArrayList<>(back.size());
        for (ReplayBuffer.Entry<M> e : back) {
            e.fail(error);
            messages.add(e.message());
        }
        return List.copyOf(messages);
    }
}
