package dev.vigil.cluster;

/**
 * Hears presence changes of every key, local and remote.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>One at a time, in order.</b> Calls never overlap and come in the order the changes were seen on this
 *       node. For one key, {@link PresenceEvent.Type#JOINED} comes first, {@link PresenceEvent.Type#LEFT} last, any
 *       number of {@link PresenceEvent.Type#CHANGED} between; each event's {@code before} is the previous event's
 *       {@code after}.</li>
 *   <li><b>On a virtual thread of its own</b> ({@code vigil-presence-<node>-events}), never under a lock of
 *       Vigil's, so a callback may call {@link Presence} and {@link dev.vigil.Connection#send}. While it blocks, later
 *       events wait.</li>
 *   <li><b>Throwing.</b> An exception is logged at WARN and dropped; the next event is delivered as usual.</li>
 * </ul>
 */
@FunctionalInterface
public interface PresenceListener {

    /**
     * A key joined, changed or left.
     *
     * @param event the diff
     */
    void onPresence(PresenceEvent event);
}
