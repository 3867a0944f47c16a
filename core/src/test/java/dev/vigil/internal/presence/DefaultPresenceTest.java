package dev.vigil.internal.presence;

import dev.vigil.CloseReason;
import dev.vigil.CloseReason.Kind;
import dev.vigil.Connection;
import dev.vigil.ConnectionState;
import dev.vigil.cluster.Backplane;
import dev.vigil.cluster.KeyPresence;
import dev.vigil.cluster.LastWill;
import dev.vigil.cluster.Presence;
import dev.vigil.cluster.PresenceEvent;
import dev.vigil.cluster.PresenceStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static dev.vigil.cluster.PresenceEvent.Type.CHANGED;
import static dev.vigil.cluster.PresenceEvent.Type.JOINED;
import static dev.vigil.cluster.PresenceEvent.Type.LEFT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Presence on a fake clock, nodes on an in-memory hub: linger, wills, SUSPECT, other nodes, node death. */
class DefaultPresenceTest {
    private static final Duration LINGER = Duration.ofSeconds(5);
    private static final AtomicLong IDS = new AtomicLong();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final InMemoryHub hub = new InMemoryHub();
    private final Backplane backplaneA = hub.node("a");
    private final Backplane backplaneB = hub.node("b");
    private final List<PresenceEvent> eventsA = new ArrayList<>();
    private final List<PresenceEvent> eventsB = new ArrayList<>();
    private final DefaultPresence a = new DefaultPresence(backplaneA, LINGER, eventsA::add, now::get, false);
    private final DefaultPresence b = new DefaultPresence(backplaneB, LINGER, eventsB::add, now::get, false);
    private final List<String> wills = new ArrayList<>();

    DefaultPresenceTest() {
        backplaneB.subscribe("wills", (topic, from, payload) ->
                wills.add(from + ":" + new String(payload, StandardCharsets.UTF_8)));
    }

    private static Connection<?> open() {
        Connection<?> c = mock(Connection.class);
        long id = IDS.incrementAndGet();
        when(c.id()).thenReturn(id);
        when(c.state()).thenReturn(ConnectionState.ACTIVE);
        when(c.toString()).thenReturn("conn-" + id);
        return c;
    }

    private static LastWill will(String text) {
        return new LastWill("wills", text.getBytes(StandardCharsets.UTF_8));
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
        a.runDue();
        b.runDue();
    }

    private static List<PresenceEvent.Type> types(List<PresenceEvent> events) {
        return events.stream().map(PresenceEvent::type).toList();
    }

    @Test
    void aKeyThatReconnectsInsideTheLingerNeverGoesOffline() {
        Connection<?> phone = open();
        a.join(phone, "ann");
        a.closed(phone, CloseReason.local(Kind.RESET, "reset"));
        advance(LINGER.minusMillis(1));
        a.join(open(), "ann");
        advance(LINGER.multipliedBy(3));

        assertEquals(List.of(JOINED), types(eventsA));
        assertEquals(List.of(JOINED), types(eventsB));
        assertEquals(PresenceStatus.ONLINE, b.get("ann").status());
    }

    @Test
    void aKeyWithNoConnectionLeftIsReportedLeftExactlyWhenTheLingerEnds() {
        Connection<?> c = open();
        a.join(c, "ann");
        a.closed(c, CloseReason.local(Kind.CLOSED_LOCALLY, "bye"));
        assertEquals(0, a.get("ann").connections(), "lingering: no connection");
        assertTrue(a.get("ann").isPresent(), "lingering: still present");

        advance(LINGER.minusNanos(1));
        assertEquals(List.of(JOINED), types(eventsB));
        advance(Duration.ofNanos(1));
        assertEquals(List.of(JOINED, LEFT), types(eventsB));
        assertEquals(List.of(JOINED, LEFT), types(eventsA));
        assertEquals(KeyPresence.offline("ann"), b.get("ann"));
        assertEquals(eventsB.get(0).after(), eventsB.get(1).before(), "each diff starts where the last ended");
    }

    @Test
    void aLastWillIsPublishedOnceWhenTheLingerEndsAfterAnUncleanClose() {
        Connection<?> c = open();
        a.join(c, "ann", will("ann lost"));
        a.closed(c, CloseReason.local(Kind.HEARTBEAT_TIMEOUT, "no PONG"));
        advance(LINGER.minusMillis(1));
        assertEquals(List.of(), wills, "not before the linger ends");
        advance(Duration.ofMillis(1));
        advance(LINGER);
        a.closed(c, CloseReason.local(Kind.RESET, "again"));
        advance(LINGER);
        assertEquals(List.of("a:ann lost"), wills);
    }

    @Test
    void noLastWillAfterACleanClose() {
        List<CloseReason> clean = List.of(CloseReason.local(Kind.CLOSED_LOCALLY, "close()"),
                CloseReason.local(Kind.SHUTDOWN, "stopping"),
                new CloseReason(Kind.SHUTDOWN, true, "peer stopping", null),
                new CloseReason(Kind.CLOSED_BY_PEER, true, "CLOSE frame", null));
        for (CloseReason reason : clean) {
            Connection<?> c = open();
            a.join(c, "ann", will("ann lost"));
            a.closed(c, reason);
            advance(LINGER.multipliedBy(2));
        }
        Connection<?> left = open();
        a.join(left, "ann", will("ann lost"));
        a.leave(left);
        advance(LINGER.multipliedBy(2));
        assertEquals(List.of(), wills);
    }

    @Test
    void aPeerThatClosesTcpWithoutACloseFrameIsUnclean() {
        assertFalse(Presence.isClean(new CloseReason(Kind.CLOSED_BY_PEER, false, "FIN", null)));
        assertTrue(Presence.isClean(new CloseReason(Kind.CLOSED_BY_PEER, true, "CLOSE", null)));
        for (Kind kind : List.of(Kind.HEARTBEAT_TIMEOUT, Kind.RESET, Kind.IO_ERROR, Kind.PROTOCOL_ERROR,
                Kind.SLOW_CONSUMER, Kind.POLICY_VIOLATION, Kind.FRAME_TOO_LARGE, Kind.REJECTED)) {
            assertFalse(Presence.isClean(CloseReason.local(kind, "x")), kind.toString());
        }
    }

    @Test
    void noLastWillWhenTheKeyIsBackWhenTheLingerEnds() {
        Connection<?> phone = open();
        a.join(phone, "ann", will("ann lost"));
        a.closed(phone, CloseReason.local(Kind.RESET, "reset"));
        advance(Duration.ofSeconds(1));
        b.join(open(), "ann"); // back, on the other node
        advance(LINGER.multipliedBy(2));
        assertEquals(List.of(), wills);
    }

    @Test
    void suspectIsAStateOfTheKeyWhenEveryConnectionIsSuspect() {
        Connection<?> phone = open();
        Connection<?> laptop = open();
        a.join(phone, "ann");
        a.join(laptop, "ann");
        a.stateChanged(phone, ConnectionState.SUSPECT);
        assertEquals(new KeyPresence("ann", PresenceStatus.ONLINE, 2, 1, Set.of("a")), b.get("ann"));
        a.stateChanged(laptop, ConnectionState.SUSPECT);
        assertEquals(PresenceStatus.SUSPECT, b.get("ann").status());
        a.stateChanged(phone, ConnectionState.ACTIVE);
        assertEquals(PresenceStatus.ONLINE, b.get("ann").status());
        assertEquals(List.of(JOINED, CHANGED, CHANGED, CHANGED, CHANGED), types(eventsB));
        assertEquals(PresenceStatus.SUSPECT, eventsB.get(3).after().status());
    }

    @Test
    void connectionsOnTwoNodesAddUpUnderOneKey() {
        a.join(open(), "ann");
        Connection<?> onB = open();
        b.join(onB, "ann");
        KeyPresence both = new KeyPresence("ann", PresenceStatus.ONLINE, 2, 0, Set.of("a", "b"));
        assertEquals(both, a.get("ann"));
        assertEquals(both, b.get("ann"));
        b.closed(onB, CloseReason.local(Kind.CLOSED_LOCALLY, "bye"));
        assertEquals(Set.of("a"), a.get("ann").nodes());
        assertEquals(List.of(JOINED, CHANGED, CHANGED), types(eventsA));
    }

    @Test
    void aNodeThatDiesTakesItsKeysWithItAfterTheLinger() {
        a.join(open(), "ann");
        a.join(open(), "bob");
        b.join(open(), "cid");
        backplaneA.close(); // on a hub, closing is dying: nothing else is said
        advance(LINGER.minusMillis(1));
        assertEquals(List.of(JOINED, JOINED, JOINED), types(eventsB));
        advance(Duration.ofMillis(1));
        assertEquals(List.of(JOINED, JOINED, JOINED, LEFT, LEFT), types(eventsB));
        assertEquals(Set.of("cid"), b.present().keySet());
    }

    @Test
    void joiningAgainMovesTheConnectionToTheNewKey() {
        Connection<?> c = open();
        a.join(c, "guest-1");
        a.join(c, "ann");
        advance(LINGER);
        assertEquals(Set.of("ann"), b.present().keySet());
        assertEquals(List.of(c), a.localConnections("ann"));
        assertEquals(List.of(), a.localConnections("guest-1"));
    }

    @Test
    void aConnectionThatIsNoLongerOpenIsIgnored() {
        Connection<?> c = open();
        when(c.state()).thenReturn(ConnectionState.CLOSED);
        a.join(c, "ann");
        assertEquals(List.of(), eventsB);
        assertFalse(b.get("ann").isPresent());
    }

    @Test
    void aCloseThatRacedAheadOfTheJoinStillLeaves() {
        Connection<?> c = open();
        when(c.state()).thenReturn(ConnectionState.ACTIVE, ConnectionState.ACTIVE, ConnectionState.CLOSED);
        when(c.closeReason()).thenReturn(CloseReason.local(Kind.RESET, "reset"));
        a.join(c, "ann", will("ann lost"));
        advance(LINGER);
        assertFalse(b.get("ann").isPresent());
        assertEquals(List.of("a:ann lost"), wills);
    }

    @Test
    void aPresenceThatJoinsLateLearnsWhatIsAlreadyThere() {
        a.join(open(), "ann");
        List<PresenceEvent> late = new ArrayList<>();
        DefaultPresence c = new DefaultPresence(hub.node("c"), LINGER, late::add, now::get, false);
        assertEquals(List.of(JOINED), types(late));
        assertEquals(Set.of("a"), c.get("ann").nodes());
    }

    @Test
    void closingRemovesThisNodesEntriesAndStopsTheListener() {
        a.join(open(), "ann");
        a.close();
        a.join(open(), "bob");
        advance(LINGER);
        assertEquals(List.of(JOINED, LEFT), types(eventsB));
        assertEquals(List.of(JOINED), types(eventsA));
    }
}
