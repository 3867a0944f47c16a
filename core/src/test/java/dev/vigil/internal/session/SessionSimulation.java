package dev.vigil.internal.session;

import dev.vigil.SessionPolicy;
import org.jetbrains.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client and a server session driven through a simulated link that the test cuts, with frames in flight lost, and
 * reconnects: the machinery exactly as the connection core will call it, without sockets or threads. Messages are
 * the integers 0, 1, 2, ... in send order on each side.
 */
final class SessionSimulation {
    static final long MS = 1_000_000L;

    /** What travels on the simulated wire. */
    sealed interface Frame {
    }

    record Data(int value) implements Frame {
    }

    record Ack(long count) implements Frame {
    }

    /** One simulated connection: each side's channel and a queue of frames in flight each way. */
    final class Conn {
        final String name;
        final SessionChannel<Integer> client;
        final SessionChannel<Integer> server;
        final ArrayDeque<Frame> toServer = new ArrayDeque<>();
        final ArrayDeque<Frame> toClient = new ArrayDeque<>();

        Conn(String name, Link<Integer> client, Link<Integer> server) {
            this.name = name;
            this.client = new SessionChannel<>(client);
            this.server = new SessionChannel<>(server);
        }
    }

    final Random random;
    final SessionPolicy policy;
    final ClientSession<Integer> client;
    final SessionTable<Integer, String> table;
    long now = 1_000 * MS;
    @Nullable Conn conn;
    /** A displaced connection the server still reads after the client came back on a new one. */
    @Nullable Conn stale;
    int connections;
    int clientNext;
    int serverNext;
    final List<Integer> serverGot = new ArrayList<>();
    final List<Integer> clientGot = new ArrayList<>();
    final List<Integer> clientFailed = new ArrayList<>();
    final List<Integer> clientHandedBack = new ArrayList<>();
    final List<ReplayBuffer.Entry<Integer>> clientEntries = new ArrayList<>();
    final List<ReplayBuffer.Entry<Integer>> serverEntries = new ArrayList<>();
    final List<Admission<Integer, String>> admissions = new ArrayList<>();
    final List<ClientOutcome<Integer>> outcomes = new ArrayList<>();
    long duplicatesDropped;
    long cuts;
    long takeovers;
    long resumes;
    long replayedFrames;

    SessionSimulation(long seed, SessionPolicy policy) {
        this.random = new Random(seed);
        this.policy = policy;
        this.client = new ClientSession<>(policy);
        this.table = new SessionTable<>(policy, new Random(seed ^ 0x5eed));
    }

    static byte[] payload(int value) {
        return new byte[]{(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    void clientSend() {
        int value = clientNext;
        ReplayBuffer<Integer> out = client.current().out();
        if (conn != null) {
            if (out.room(4) != ReplayBuffer.Room.OK) {
                return; // backpressure: the application's send waits; try later
            }
            clientEntries.add(out.append(value, payload(value), now));
        } else {
            ReplayBuffer.Entry<Integer> e = out.appendOrOverflow(value, payload(value), now);
            if (e == null) {
                clientFailed.add(value);
            } else {
                clientEntries.add(e);
            }
        }
        clientNext++;
    }

    void serverSend() {
        if (conn == null) {
            return; // v1: a lingering server session takes no new sends
        }
        ReplayBuffer<Integer> out = conn.server.link().session().out();
        if (out.room(4) != ReplayBuffer.Room.OK) {
            return;
        }
        serverEntries.add(out.append(serverNext, payload(serverNext), now));
        serverNext++;
    }

    /** A side's writer writes its next DATA frame, an owed ACK riding ahead of it. */
    private static void write(SessionChannel<Integer> side, ArrayDeque<Frame> wire) {
        List<ReplayBuffer.Entry<Integer>> next = side.pull(1);
        if (next.isEmpty()) {
            return;
        }
        byte[] ack = side.piggyback();
        if (ack != null) {
            wire.add(new Ack(SessionWire.getLong(ack, 5)));
        }
        wire.add(new Data(next.getFirst().message()));
    }

    void clientWrite() {
        if (conn != null) {
            write(conn.client, conn.toServer);
        }
    }

    void serverWrite() {
        if (conn != null) {
            write(conn.server, conn.toClient);
        }
    }

    /** A side's reader reads one frame; ACKs go through the codec. */
    private void read(SessionChannel<Integer> side, ArrayDeque<Frame> wire, List<Integer> got)
            throws SessionProtocolException {
        Frame f = wire.poll();
        if (f instanceof Data(int value)) {
            switch (side.onData(now)) {
                case DELIVER -> got.add(value);
                case DUPLICATE -> duplicatesDropped++;
                case ENDED -> {
                }
            }
        } else if (f instanceof Ack(long count)) {
            byte[] frame = SessionWire.ackFrame(count);
            complete(side.onAck(frame, 5, frame.length - 5));
        }
    }

    void serverRead(Conn c) throws SessionProtocolException {
        read(c.server, c.toServer, serverGot);
    }

    void clientRead(Conn c) throws SessionProtocolException {
        read(c.client, c.toClient, clientGot);
    }

    /** Time passes; each side sends the ACK its timer says is due. */
    void tick(long nanos) {
        now += nanos;
        Conn c = conn;
        if (c == null) {
            return;
        }
        byte[] clientAck = c.client.onTimer(now);
        if (clientAck != null) {
            c.toServer.add(new Ack(SessionWire.getLong(clientAck, 5)));
        }
        byte[] serverAck = c.server.onTimer(now);
        if (serverAck != null) {
            c.toClient.add(new Ack(SessionWire.getLong(serverAck, 5)));
        }
    }

    /**
     * The link dies: what is in flight is lost. With {@code takeover}, the server has not noticed yet: it keeps
     * reading what had reached its socket, possibly after the client came back.
     */
    void cut(boolean takeover) {
        Conn c = conn;
        if (c == null) {
            return;
        }
        conn = null;
        cuts++;
        c.toClient.clear();
        if (takeover && stale == null) {
            takeovers++;
            int keep = random.nextInt(c.toServer.size() + 1);
            while (c.toServer.size() > keep) {
                c.toServer.pollLast();
            }
            stale = c;
        } else {
            c.toServer.clear();
            assertTrue(table.detach(c.server.link(), true, now).isEmpty(), "an abnormal death ends nothing");
        }
    }

    /** A new connection: the client's request in its HELLO, the server's SESSION frame, both through the codec. */
    void connect() throws SessionProtocolException {
        if (conn != null) {
            return;
        }
        byte[] option = client.request().encode();
        SessionWire.Request request = SessionWire.decodeRequest(option, 2, option[1] & 0xff);
        String name = "conn-" + ++connections;
        Admission<Integer, String> admission = table.admit(request, name, now);
        admissions.add(admission);
        SessionWire.Answer sent = admission.answer();
        assertNotNull(sent, () -> "no answer: " + admission);
        byte[] frame = sent.encode();
        SessionWire.Answer answer = SessionWire.decodeAnswer(frame, 5, frame.length - 5);
        ClientOutcome<Integer> outcome = client.onAnswer(answer);
        outcomes.add(outcome);
        Link<Integer> serverLink = switch (admission) {
            case Admission.Started<Integer, String> s -> s.link();
            case Admission.Resumed<Integer, String> r -> {
                complete(r.released());
                resumes++;
                replayedFrames += r.replayedToPeer() + r.replayedFromPeer();
                yield r.link();
            }
            case Admission.Refused<Integer, String> r -> {
                complete(r.released());
                yield r.link();
            }
            default -> throw new AssertionError(admission);
        };
        complete(outcome.released());
        if (outcome instanceof ClientOutcome.Refused<Integer> r) {
            for (ReplayBuffer.Entry<Integer> e : r.handedBack()) {
                clientHandedBack.add(e.message());
            }
        }
        conn = new Conn(name, outcome.link(), serverLink);
    }

    /** One random step. */
    void step() throws SessionProtocolException {
        int r = random.nextInt(100);
        if (r < 20) {
            clientSend();
        } else if (r < 35) {
            serverSend();
        } else if (r < 50) {
            clientWrite();
        } else if (r < 62) {
            serverWrite();
        } else if (r < 74) {
            if (conn != null) {
                serverRead(conn);
            }
        } else if (r < 84) {
            if (conn != null) {
                clientRead(conn);
            }
        } else if (r < 90) {
            tick(random.nextInt(300) * MS);
        } else if (r < 93) {
            Conn s = stale;
            if (s != null) {
                if (s.toServer.isEmpty()) {
                    assertTrue(table.detach(s.server.link(), true, now).isEmpty(), "a displaced link's death is ignored");
                    stale = null;
                } else {
                    serverRead(s);
                }
            }
        } else if (r < 96) {
            cut(random.nextInt(3) == 0);
        } else {
            connect();
        }
    }

    /** Reconnects if needed and lets everything flow until nothing is left to write, read or acknowledge. */
    void drain() throws SessionProtocolException {
        connect();
        Conn s = stale;
        while (s != null && !s.toServer.isEmpty()) {
            serverRead(s);
        }
        stale = null;
        Conn c = conn;
        assertNotNull(c);
        for (int round = 0; round < 1_000_000; round++) {
            clientWrite();
            serverWrite();
            while (!c.toServer.isEmpty()) {
                serverRead(c);
            }
            while (!c.toClient.isEmpty()) {
                clientRead(c);
            }
            tick(policy.ackInterval().toNanos());
            boolean idle = c.toServer.isEmpty() && c.toClient.isEmpty() && !c.client.hasData() && !c.server.hasData();
            if (idle && c.client.link().session().out().size() == 0 && c.server.link().session().out().size() == 0) {
                return;
            }
        }
        throw new AssertionError("did not settle");
    }

    private static void complete(List<ReplayBuffer.Entry<Integer>> released) {
        for (ReplayBuffer.Entry<Integer> e : released) {
            assertFalse(e.delivered().isDone(), () -> "message " + e.message() + " confirmed twice");
        }
        Settlement.confirm(released);
    }

    /** Fails with the first place where {@code got} is not 0, 1, ..., n-1, and a few values around it. */
    static void assertSequence(String who, int n, List<Integer> got) {
        int i = 0;
        while (i < Math.min(n, got.size()) && got.get(i) == i) {
            i++;
        }
        if (i != n || got.size() != n) {
            int at = i;
            throw new AssertionError(who + " delivered " + got.size() + " messages of " + n + "; first wrong at index "
                    + at + ": " + got.subList(Math.max(0, at - 3), Math.min(got.size(), at + 4)));
        }
    }

    static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    void assertExactlyOnceInOrder() {
        assertSequence("the server", clientNext, serverGot);
        assertSequence("the client", serverNext, clientGot);
        for (ReplayBuffer.Entry<Integer> e : clientEntries) {
            assertTrue(e.delivered().isDone() && !e.delivered().isCompletedExceptionally(),
                    () -> "client message " + e.message() + " not confirmed");
        }
        for (ReplayBuffer.Entry<Integer> e : serverEntries) {
            assertTrue(e.delivered().isDone(), () -> "server message " + e.message() + " not confirmed");
        }
    }
}
