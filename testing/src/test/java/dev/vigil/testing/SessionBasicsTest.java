package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.Connection;
import dev.vigil.ConnectionListener;
import dev.vigil.ConnectionManager;
import dev.vigil.Delivery;
import dev.vigil.MessageCodec;
import dev.vigil.SessionListener;
import dev.vigil.SessionPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sessions on a healthy link: negotiation with and without a peer that keeps them, delivery confirmation. */
final class SessionBasicsTest {

    @Test
    @Timeout(20)
    void deliveryFuturesCompleteWhenThePeerAcknowledges() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<UUID> started = new LinkedBlockingQueue<>();
        SessionListener<String> serverListener = new SessionListener<>() {
            @Override
            public void onMessage(Connection<String> c, String m) {
                got.add(m);
            }

            @Override
            public void onSessionStarted(Connection<String> c, UUID session) {
                started.add(session);
            }
        };
        ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .sessions(SessionPolicy.defaults()).listener(serverListener).build();
        ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                .sessions(SessionPolicy.defaults()).build();
        try {
            InetSocketAddress at = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Connection<String> c = client.connect(at);
            List<Delivery> deliveries = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                deliveries.add(c.sendConfirmed("m" + i));
            }
            for (Delivery d : deliveries) {
                d.delivered().get(10, TimeUnit.SECONDS);
            }
            assertEquals(1000, got.size());
            assertTrue(started.poll(5, TimeUnit.SECONDS) != null);
        } finally {
            client.shutdown(Duration.ofSeconds(2));
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    @Timeout(20)
    void aPeerWithoutSessionsTalksToOneWithThem() throws Exception {
        for (boolean serverHasSessions : new boolean[]{true, false}) {
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            ConnectionListener<String> echo = new ConnectionListener<>() {
                @Override
                public void onMessage(Connection<String> c, String m) {
                    got.add(m);
                    c.send("echo " + m);
                }
            };
            LinkedBlockingQueue<String> back = new LinkedBlockingQueue<>();
            ConnectionManager.Builder<String> sb = ConnectionManager.builder(MessageCodec.utf8()).listener(echo);
            ConnectionManager.Builder<String> cb = ConnectionManager.builder(MessageCodec.utf8())
                    .listener(new ConnectionListener<>() {
                        @Override
                        public void onMessage(Connection<String> c, String m) {
                            back.add(m);
                        }
                    });
            (serverHasSessions ? sb : cb).sessions(SessionPolicy.defaults());
            ConnectionManager<String> server = sb.build();
            ConnectionManager<String> client = cb.build();
            try {
                Connection<String> c = client.connect(server.bind(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
                Delivery d = c.sendConfirmed("hi");
                d.written().get(5, TimeUnit.SECONDS);
                assertEquals("hi", got.poll(5, TimeUnit.SECONDS));
                assertEquals("echo hi", back.poll(5, TimeUnit.SECONDS));
                assertTrue(d.delivered().isCompletedExceptionally(), "no session, so no confirmation");
            } finally {
                client.shutdown(Duration.ofSeconds(2));
                server.shutdown(Duration.ofSeconds(2));
            }
        }
    }
}
