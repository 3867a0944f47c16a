package dev.vigil.examples.chat;

import dev.vigil.CloseReason;
import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.ConnectionState;
import dev.vigil.HeartbeatPolicy;
import dev.vigil.MessageCodec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The terminal chat client: prints what the server sends, sends what you type. Vigil answers the server's PINGs for
 * you and pings the server when it is quiet, so the client also notices a server that vanished.
 */
public final class ChatClient {

    private ChatClient() {
    }

    /**
     * Connects, names you, joins the room, then relays lines until you type {@code /quit}, end your input (Ctrl-D),
     * or the connection ends.
     *
     * @return 0 when you left, 1 when the connection was lost
     */
    public static int run(InetSocketAddress server, String name, String room, HeartbeatPolicy policy,
                          BufferedReader in, PrintStream out) throws IOException, InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        CloseReason[] why = new CloseReason[1];
        try (ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.lines())
                .heartbeat(policy)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> c, String line) {
                        out.println(line);
                    }

                    @Override
                    public void onStateChange(Connection<String> c, ConnectionState from, ConnectionState to) {
                        out.println(to == ConnectionState.SUSPECT ? "(the server is not answering...)"
                                : "(the server answers again)");
                    }

                    @Override
                    public void onClose(Connection<String> c, CloseReason reason) {
                        why[0] = reason;
                        out.println("(connection closed: " + reason + ")");
                        closed.countDown();
                    }
                })
                .build()) {
            Connection<String> connection = client.connect(server);
            connection.send("/name " + name);
            if (!room.equals("lobby")) {
                connection.send("/join " + room);
            }
            // Typing happens on its own virtual thread, so a connection lost while you read the screen ends the
            // program at once instead of at your next Enter.
            Thread.ofVirtual().name("keyboard").start(() -> {
                try {
                    String line;
                    while ((line = in.readLine()) != null && connection.state().isOpen()) {
                        connection.send(line);
                    }
                } catch (IOException e) {
                    out.println("(cannot read the keyboard: " + e + ")");
                }
                connection.close();
            });
            closed.await();
        }
        CloseReason reason = why[0];
        return reason != null && (reason.kind() == CloseReason.Kind.CLOSED_LOCALLY
                || reason.kind() == CloseReason.Kind.CLOSED_BY_PEER) ? 0 : 1;
    }
}
