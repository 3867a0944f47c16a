package dev.vigil.examples.chat;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.cluster.Backplane;
import dev.vigil.cluster.KeyPresence;
import dev.vigil.cluster.LastWill;
import dev.vigil.cluster.Presence;
import dev.vigil.cluster.PresenceEvent;
import dev.vigil.cluster.PresenceStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One node of the chat cluster: a line server ({@code nc} works) whose rooms and presence span every node on the
 * backplane. Room lines travel on the backplane topic {@value #TOPIC}; presence is Vigil's {@link Presence}, keyed
 * by name, so a person on two nodes (or two devices) is one entry, and a node that dies takes its people with it
 * within its backplane's TTL plus the linger.
 *
 * <p>Commands: {@code /name ann}, {@code /join ops}, {@code /who}, {@code /quit}; any other line is said to the room.
 */
public final class ClusterChatNode implements AutoCloseable {
    /** The backplane topic of room lines: {@code room TAB line}. */
    static final String TOPIC = "chat";

    private static final class Member {
        volatile String name;
        volatile String room = "lobby";

        Member(String name) {
            this.name = name;
        }
    }

    private final Presence presence;
    private final ConnectionManager<String> manager;
    private final Backplane backplane;
    private final Backplane.Subscription rooms;
    private final Consumer<String> log;
    private final AtomicInteger guests = new AtomicInteger();
    private volatile boolean draining;

    /**
     * Makes a node; {@link #start} binds it.
     *
     * @param backplane the cluster's backplane (this node's end of it)
     * @param policy    heartbeats: how soon a silent person is away, then gone
     * @param linger    how long a person who lost every connection still shows before "left"
     * @param log       where the node says what happens
     */
    public ClusterChatNode(Backplane backplane, HeartbeatPolicy policy, Duration linger, Consumer<String> log) {
        this.backplane = backplane;
        this.log = log;
        this.presence = Presence.builder(backplane).linger(linger).listener(this::onPresence).build();
        this.manager = ConnectionManager.builder(MessageCodec.lines())
                .heartbeat(policy)
                .presence(presence)
                .backplane(backplane)
                .maxFrameSize(4096)
                .shutdownGrace(Duration.ofSeconds(1))
                .listener(new Listener())
                .build();
        this.rooms = backplane.subscribe(TOPIC, (topic, from, payload) -> {
            String text = new String(payload, StandardCharsets.UTF_8);
            int tab = text.indexOf('\t');
            if (tab > 0) {
                tellRoom(text.substring(0, tab), text.substring(tab + 1));
            }
        });
    }

    /** Starts listening; returns the address actually bound. */
    public InetSocketAddress start(InetSocketAddress address) throws IOException {
        return manager.bind(address);
    }

    private final class Listener implements ConnectionListener<String> {
        @Override
        public void onOpen(Connection<String> c) {
            Member m = new Member("guest-" + backplane.nodeId() + "-" + guests.incrementAndGet());
            c.attach(m);
            c.send("* welcome to Vigil chat on " + backplane.nodeId() + ", " + m.name
                    + ". Commands: /name <you>, /join <room>, /who, /quit.");
            presence.join(c, m.name, will(m));
        }

        @Override
        public void onMessage(Connection<String> c, String line) {
            Member m = c.attachment(Member.class);
            String text = line.strip();
            if (m == null || text.isEmpty() || text.equals("PONG")) {
                return;
            }
            String[] words = text.split("\\s+", 2);
            String arg = words.length > 1 ? words[1] : "";
            switch (words[0]) {
                case "/name" -> {
                    if (!arg.matches("[A-Za-z0-9_-]{1,32}")) {
                        c.send("* usage: /name <letters, digits, _ or ->");
                        return;
                    }
                    m.name = arg;
                    presence.join(c, arg, will(m)); // moves the connection to its new key
                    c.send("* you are " + arg);
                }
                case "/join" -> {
                    if (!arg.matches("[A-Za-z0-9_-]{1,32}")) {
                        c.send("* usage: /join <room>");
                        return;
                    }
                    publish(m.room, "* " + m.name + " left for #" + arg);
                    m.room = arg;
                    presence.join(c, m.name, will(m));
                    publish(arg, "* " + m.name + " joined #" + arg);
                }
                case "/who" -> c.send("* online: " + who());
                case "/quit" -> c.close(); // a clean close: no will
                default -> publish(m.room, "[" + m.room + "] " + m.name + ": " + text);
            }
        }

        @Override
        public void onClose(Connection<String> c, CloseReason reason) {
            if (c.attachment() instanceof Member m) {
                log.accept(m.name + " closed: " + reason);
            }
        }
    }

    /** MQTT's will: said to the person's room if they vanish without /quit and do not come back within the linger. */
    private static LastWill will(Member m) {
        return new LastWill(TOPIC, (m.room + "\t* " + m.name + " lost the connection").getBytes(
                StandardCharsets.UTF_8));
    }

    private void publish(String room, String line) {
        backplane.publish(TOPIC, (room + "\t" + line).getBytes(StandardCharsets.UTF_8));
    }

    private void onPresence(PresenceEvent e) {
        if (e.key().startsWith("guest-")) {
            return;
        }
        KeyPresence now = e.after();
        String line = switch (e.type()) {
            case JOINED -> "* " + e.key() + " is online (on " + String.join(", ", now.nodes()) + ")";
            case LEFT -> "* " + e.key() + " left";
            case CHANGED -> now.status() != e.before().status()
                    ? "* " + e.key() + (now.status() == PresenceStatus.SUSPECT ? " seems away" : " is back")
                    : "* " + e.key() + " is on " + now.connections() + " connection(s): "
                            + String.join(", ", now.nodes());
        };
        log.accept("presence: " + line.substring(2));
        for (Connection<String> c : manager.connections()) {
            c.send(line);
        }
    }

    private void tellRoom(String room, String line) {
        for (Connection<String> c : manager.connections()) {
            if (c.attachment() instanceof Member m && m.room.equals(room)) {
                c.send(line);
            }
        }
    }

    private String who() {
        Map<String, KeyPresence> all = new TreeMap<>(presence.present());
        all.keySet().removeIf(k -> k.startsWith("guest-"));
        if (all.isEmpty()) {
            return "nobody with a /name yet";
        }
        return all.values().stream().map(k -> k.key() + " (" + (k.connections() == 0 ? "leaving"
                        : k.status() == PresenceStatus.SUSPECT ? "away" : "on " + String.join("+", k.nodes())) + ")")
                .collect(Collectors.joining(", "));
    }

    /** {@return whether this node is draining (a balancer's health check should take it out)} */
    public boolean draining() {
        return draining;
    }

    /**
     * Drains the node before it stops: marks it draining (its health check fails, so a balancer sends no one new),
     * tells everyone on it that it is going away, then lets Vigil's {@link ConnectionManager#drain} stop accepting
     * and close their connections, cleanly, one after another spread evenly over {@code window}, so that they do not
     * all reconnect to the other nodes in the same instant. A person who reconnects within the linger never shows as
     * having left. Returns when the last one is closed. (Chat is line-framed, so the library's CLOSE, and any endpoint
     * it could suggest, never reaches an {@code nc} client: the line sent here is what people read.)
     *
     * @param window how long to spread the closes over
     */
    public void drain(Duration window) throws InterruptedException {
        draining = true;
        log.accept("draining: closing " + manager.connections().size() + " connection(s) over " + window.toMillis()
                + " ms");
        manager.broadcast("* " + backplane.nodeId() + " is shutting down: within " + window.toMillis()
                + " ms you will be disconnected; reconnect, and you will be on another node");
        manager.drain(window, null);
    }

    /** {@return this node's presence, for tests and the cluster's report} */
    public Presence presence() {
        return presence;
    }

    @Override
    public void close() {
        rooms.close();
        manager.close();
        presence.close();
    }
}
