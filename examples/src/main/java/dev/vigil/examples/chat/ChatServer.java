package dev.vigil.examples.chat;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A chat server over {@link MessageCodec#lines()}: one message per line, so a person can join with {@code nc} and
 * type. Rooms, broadcast within a room, presence from heartbeats, and a delivery count for every message.
 *
 * <p>Commands: {@code /name ann}, {@code /join ops}, {@code /who}, {@code /quit}; any other line is said to the room.
 *
 * <p><b>Presence comes from Vigil's heartbeats</b>, not from the chat protocol: when a member has been silent past
 * the policy's suspect point (no line, no PONG to the server's PING) the connection turns
 * {@link ConnectionState#SUSPECT} and the room hears "ann seems away"; any sign of life turns it back; if the
 * silence reaches the timeout the connection closes with {@link CloseReason.Kind#HEARTBEAT_TIMEOUT} and the room
 * hears "ann is offline". A laptop lid closed or a Wi-Fi dropped looks exactly like this: no FIN ever arrives.
 */
public final class ChatServer implements ConnectionListener<String>, AutoCloseable {

    /**
     * A message said in a room, and to how many members it was handed.
     *
     * @param from       who said it
     * @param room       where
     * @param text       what
     * @param recipients how many other members were in the room
     * @param delivered  how many of them it was written to; a send to a member whose connection had just died fails
     */
    public record Delivery(String from, String room, String text, int recipients, int delivered) {
    }

    /**
     * A presence change the room was told about.
     *
     * @param name   whose
     * @param room   which room was told
     * @param status {@code joined}, {@code moved} (to another room), {@code left}, {@code away}, {@code back} or
     *               {@code offline}
     * @param reason for {@code left} and {@code offline}: why the connection closed; otherwise {@code null}
     */
    public record Presence(String name, String room, String status, CloseReason.Kind reason) {
    }

    /** One connected person. Attached to their connection. */
    private static final class Member {
        final Connection<String> connection;
        volatile String name;
        volatile String room = "lobby";

        Member(Connection<String> connection, String name) {
            this.connection = connection;
            this.name = name;
        }
    }

    private final ConnectionManager<String> manager;
    private final Map<String, Set<Member>> rooms = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<Presence> presence = new CopyOnWriteArrayList<>();
    private final HeartbeatPolicy.Fixed policy;
    private final Consumer<String> log;
    private final AtomicInteger guests = new AtomicInteger();

    /**
     * Makes a server; {@link #start} binds it.
     *
     * @param policy how often to PING a quiet member and when to give up on them
     * @param log    where the server says what happens (one line per event)
     */
    public ChatServer(HeartbeatPolicy.Fixed policy, Consumer<String> log) {
        this.policy = policy;
        this.log = log;
        this.manager = ConnectionManager.builder(MessageCodec.lines())
                .heartbeat(policy)
                .listener(this)
                .maxFrameSize(4096) // the longest line a member may send
                .shutdownGrace(java.time.Duration.ofSeconds(1))
                .build();
    }

    /** Starts listening; returns the address actually bound. */
    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        return manager.bind(address);
    }

    @Override
    public void onOpen(Connection<String> c) {
        Member m = new Member(c, "guest-" + guests.incrementAndGet());
        c.attach(m);
        c.send("* welcome to Vigil chat, " + m.name + ". Commands: /name <you>, /join <room>, /who, /quit.");
        c.send("* heartbeat: when you are quiet for " + human(policy.interval()) + " the server sends PING; answer"
                + " PONG (Vigil clients do) or you show as away, then offline after " + human(policy.timeout()) + ".");
        join(m, "lobby");
    }

    @Override
    public void onMessage(Connection<String> c, String line) {
        Member m = c.attachment(Member.class);
        String text = line.strip();
        if (m == null || text.isEmpty()) {
            return;
        }
        String[] words = text.split("\\s+", 2);
        String arg = words.length > 1 ? words[1] : "";
        switch (words[0]) {
            case "/name" -> {
                if (arg.isBlank() || arg.contains(" ")) {
                    c.send("* usage: /name <one word>");
                    return;
                }
                String old = m.name;
                m.name = arg;
                tellRoom(m, "* " + old + " is now known as " + arg);
                log.accept(old + " is now " + arg);
                c.send("* you are " + arg);
            }
            case "/join" -> {
                if (arg.isBlank()) {
                    c.send("* usage: /join <room>");
                    return;
                }
                leave(m, "left for #" + arg, null, "moved");
                join(m, arg);
            }
            case "/who" -> c.send("* in #" + m.room + ": " + String.join(", ",
                    members(m.room).stream().map(x -> x.name).sorted().toList()));
            case "/quit" -> c.close(); // onClose tells the room
            default -> say(m, text);
        }
    }

    /** Says a line to everyone else in the room and tells the sender how many it reached. */
    private void say(Member from, String text) {
        String room = from.room;
        List<Member> others = members(room).stream().filter(x -> x != from).toList();
        String line = "[" + room + "] " + from.name + ": " + text;
        // Each send's future completes when the line is written to that member's socket, or fails if the
        // connection ended first. Count the successes without blocking this reader thread. A send to a member
        // whose queue is full fails at once (Vigil never blocks a reader on another connection's queue), so a member
        // that stops reading cannot freeze the room; the write deadline then closes it as SLOW_CONSUMER.
        AtomicInteger delivered = new AtomicInteger();
        CompletableFuture<?>[] sends = others.stream()
                .map(o -> o.connection.send(line).thenRun(delivered::incrementAndGet))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(sends).whenComplete((ok, failure) -> {
            int n = delivered.get();
            deliveries.add(new Delivery(from.name, room, text, others.size(), n));
            from.connection.send("* delivered to " + n + (n == 1 ? " user" : " users")
                    + (n < others.size() ? " (" + (others.size() - n) + " unreachable)" : ""));
        });
    }

    @Override
    public void onStateChange(Connection<String> c, ConnectionState from, ConnectionState to) {
        if (c.attachment() instanceof Member m) {
            boolean away = to == ConnectionState.SUSPECT;
            tellRoom(m, "* " + m.name + (away ? " seems away (no heartbeat answer)" : " is back"));
            presence.add(new Presence(m.name, m.room, away ? "away" : "back", null));
            log.accept(m.name + (away ? " is SUSPECT" : " is ACTIVE again"));
        }
    }

    @Override
    public void onClose(Connection<String> c, CloseReason reason) {
        if (c.attachment() instanceof Member m) {
            boolean dead = reason.kind() == CloseReason.Kind.HEARTBEAT_TIMEOUT;
            leave(m, dead ? "is offline (no heartbeat for " + human(policy.timeout()) + ")"
                    : reason.kind() == CloseReason.Kind.SHUTDOWN ? "was disconnected: the server is stopping"
                    : "left", reason.kind(), dead ? "offline" : "left");
            log.accept(m.name + " closed: " + reason);
        }
    }

    private void join(Member m, String room) {
        m.room = room;
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(m);
        presence.add(new Presence(m.name, room, "joined", null));
        tellRoom(m, "* " + m.name + " joined #" + room);
        log.accept(m.name + " joined #" + room + " from " + m.connection.remoteAddress());
        m.connection.send("* you are in #" + room + " with " + (members(room).size() - 1) + " other(s)");
    }

    private void leave(Member m, String how, CloseReason.Kind kind, String status) {
        Set<Member> in = rooms.get(m.room);
        if (in != null && in.remove(m)) {
            presence.add(new Presence(m.name, m.room, status, kind));
            tellRoom(m, "* " + m.name + " " + how);
        }
    }

    private void tellRoom(Member about, String line) {
        for (Member other : members(about.room)) {
            if (other != about) {
                other.connection.send(line);
            }
        }
    }

    private Set<Member> members(String room) {
        return rooms.getOrDefault(room, Set.of());
    }

    private static String human(java.time.Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms"
                : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0).replace(".0 s", " s");
    }

    /** {@return every message said so far, with its delivery count} */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** {@return every presence change told to a room so far} */
    public List<Presence> presence() {
        return List.copyOf(presence);
    }

    /** {@return how many people are connected} */
    public int online() {
        return manager.connections().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
