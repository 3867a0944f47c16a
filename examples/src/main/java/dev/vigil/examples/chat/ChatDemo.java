package dev.vigil.examples.chat;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;
import dev.vigil.testing.FaultProxy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code chat demo}: a chat server and four scripted members in one process, for a few seconds, printing the
 * transcript as each member sees it. Ann, bob and cid talk; cid moves to another room; dan's network drops (his
 * traffic goes through a {@link FaultProxy} that starts swallowing everything) and the room is told he is away,
 * then offline, by heartbeats alone; bob quits.
 */
public final class ChatDemo {

    /**
     * What happened.
     *
     * @param transcript every line sent and received, as printed
     * @param deliveries every message said, with its delivery count, from the server
     * @param presence   every presence change the server announced
     */
    public record Result(List<String> transcript, List<ChatServer.Delivery> deliveries,
                         List<ChatServer.Presence> presence) {
    }

    /** A scripted member: sends lines, and waits for lines the way a person reads the screen. */
    private final class Bot {
        final String name;
        final Connection<String> connection;
        final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();

        Bot(String name, Connection<String> connection) {
            this.name = name;
            this.connection = connection;
        }

        void say(String line) {
            note(name, ">", line);
            connection.send(line);
        }

        /** Waits for a line containing {@code text}; the lines before it have been printed already. */
        String await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + waitLimit.toNanos();
            while (true) {
                String line = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IllegalStateException(name + " waited " + waitLimit + " for a line with '" + text
                            + "'; connection " + connection.state());
                }
                if (line.contains(text)) {
                    return line;
                }
            }
        }
    }

    private final PrintStream out;
    private final HeartbeatPolicy.Fixed policy;
    private final Duration waitLimit;
    private final List<String> transcript = new CopyOnWriteArrayList<>();
    private final long t0 = System.nanoTime();
    private volatile String joining = "";

    private ChatDemo(HeartbeatPolicy.Fixed policy, PrintStream out) {
        this.policy = policy;
        this.out = out;
        this.waitLimit = policy.timeout().plusSeconds(5);
    }

    /**
     * Runs the scripted chat and returns what happened.
     *
     * @param policy the heartbeat policy of the server and the members; short, so presence changes within seconds
     */
    public static Result run(HeartbeatPolicy.Fixed policy, PrintStream out) throws IOException, InterruptedException {
        return new ChatDemo(policy, out).run();
    }

    private Result run() throws IOException, InterruptedException {
        ChatServer server = new ChatServer(policy, line -> note("server", "|", line));
        // The members share one client manager; the listener finds the member by the connection's attachment.
        ConnectionManager<String> members = ConnectionManager.builder(MessageCodec.lines())
                .heartbeat(policy)
                .shutdownGrace(Duration.ofSeconds(1))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onOpen(Connection<String> c) {
                        // Attach here, not after connect() returns: the server greets at once, and a line that
                        // arrived before the attachment would find no one to give it to.
                        c.attach(new Bot(joining, c));
                    }

                    @Override
                    public void onMessage(Connection<String> c, String line) {
                        Bot bot = c.attachment(Bot.class);
                        if (bot != null) {
                            note(bot.name, "<", line);
                            bot.inbox.add(line);
                        }
                    }

                    @Override
                    public void onClose(Connection<String> c, CloseReason reason) {
                        if (c.attachment() instanceof Bot bot) {
                            note(bot.name, "x", "connection closed: " + reason);
                        }
                    }
                })
                .build();
        FaultProxy dansWifi = null;
        try {
            InetSocketAddress address = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            dansWifi = FaultProxy.start(address);
            out.printf("Vigil chat demo: server on %s, heartbeat PING after %d ms of quiet, away at %d ms, "
                            + "offline at %d ms%n", address, policy.interval().toMillis(),
                    policy.suspectAfter().toMillis(), policy.timeout().toMillis());
            Bot ann = join(members, address, "ann");
            Bot bob = join(members, address, "bob");
            Bot cid = join(members, address, "cid");
            Bot dan = join(members, dansWifi.address(), "dan");

            ann.say("hi all");
            ann.await("* delivered to");
            cid.say("/join ops");
            cid.await("you are in #ops");
            ann.say("where did cid go?");
            ann.await("* delivered to");
            cid.say("anyone in ops?");
            cid.await("* delivered to");

            note("demo", "!", "dan's Wi-Fi drops: no FIN, no RST, his packets just stop");
            dansWifi.blackhole(FaultProxy.Direction.BOTH);
            ann.await("dan seems away");
            ann.await("dan is offline");
            ann.say("dan?");
            ann.await("* delivered to");
            bob.say("/quit");
            ann.await("bob left");
            // dan's own client notices too: the server stopped answering his PINGs.
            while (dan.connection.state().isOpen()) {
                Thread.sleep(50); // the demo's pacing: let his side's timeout show in the transcript
            }
        } finally {
            members.shutdown(Duration.ofSeconds(1));
            server.close();
            if (dansWifi != null) {
                dansWifi.close();
            }
        }
        return new Result(List.copyOf(transcript), server.deliveries(), server.presence());
    }

    private Bot join(ConnectionManager<String> members, InetSocketAddress address, String name)
            throws IOException, InterruptedException {
        joining = name; // members join one at a time; connect() returns after onOpen has attached the Bot
        Bot bot = Objects.requireNonNull(members.connect(address).attachment(Bot.class));
        bot.say("/name " + name);
        bot.await("* you are " + name);
        return bot;
    }

    private void note(String who, String dir, String line) {
        String entry = String.format(Locale.ROOT, "%5.2fs  %-6s %s %s", (System.nanoTime() - t0) / 1e9, who, dir,
                line);
        transcript.add(entry);
        out.println(entry);
    }
}
