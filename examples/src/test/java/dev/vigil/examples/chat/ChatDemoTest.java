package dev.vigil.examples.chat;

import dev.vigil.CloseReason;
import dev.vigil.HeartbeatPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatDemoTest {

    @Test
    @Timeout(30)
    void theScriptedChatDeliversToTheRightCountAndHeartbeatsDrivePresence() throws Exception {
        ChatDemo.Result result = ChatDemo.run(ChatExample.DEMO_POLICY, System.out);

        assertTrue(result.deliveries().contains(new ChatServer.Delivery("ann", "lobby", "hi all", 3, 3)),
                result.deliveries().toString());
        assertTrue(result.deliveries().contains(new ChatServer.Delivery("ann", "lobby", "where did cid go?", 2, 2)),
                result.deliveries().toString());
        assertTrue(result.deliveries().contains(new ChatServer.Delivery("cid", "ops", "anyone in ops?", 0, 0)),
                result.deliveries().toString());
        assertTrue(result.deliveries().contains(new ChatServer.Delivery("ann", "lobby", "dan?", 1, 1)),
                result.deliveries().toString());

        // dan's network went silent: the room heard "away" (SUSPECT) and then "offline" (HEARTBEAT_TIMEOUT).
        int away = indexOf(result, new ChatServer.Presence("dan", "lobby", "away", null));
        int offline = indexOf(result,
                new ChatServer.Presence("dan", "lobby", "offline", CloseReason.Kind.HEARTBEAT_TIMEOUT));
        assertTrue(away >= 0 && offline > away, result.presence().toString());
        assertTrue(result.presence().stream().anyMatch(p -> p.name().equals("bob") && p.status().equals("left")),
                result.presence().toString());
        assertTrue(result.transcript().stream().anyMatch(l -> l.contains("ann") && l.contains("* dan is offline")));
    }

    private static int indexOf(ChatDemo.Result result, ChatServer.Presence p) {
        return result.presence().indexOf(p);
    }

    /** What a person with {@code nc} does: plain lines over a plain socket. */
    @Test
    @Timeout(20)
    void aPlainSocketCanChatLikeNc() throws Exception {
        try (ChatServer server = new ChatServer(HeartbeatPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(30)),
                line -> { })) {
            InetSocketAddress address = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket nc = new Socket(address.getAddress(), address.getPort())) {
                BufferedReader in = new BufferedReader(new InputStreamReader(nc.getInputStream(),
                        StandardCharsets.UTF_8));
                OutputStream out = nc.getOutputStream();
                assertNotNull(readUntil(in, "you are in #lobby"));
                out.write("/name zed\r\n".getBytes(StandardCharsets.UTF_8)); // a terminal may send CRLF
                assertNotNull(readUntil(in, "* you are zed"));
                out.write("/who\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("* in #lobby: zed", readUntil(in, "* in #lobby"));
                out.write("anyone?\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("* delivered to 0 users", readUntil(in, "* delivered"));
            }
        }
    }

    private static String readUntil(BufferedReader in, String text) throws java.io.IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("connection ended before a line with '" + text + "'");
    }
}
