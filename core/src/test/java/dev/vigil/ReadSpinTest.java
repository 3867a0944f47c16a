package dev.vigil;

import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link ConnectionManager.Builder#readSpin}: validated at build, and connections that spin still talk. */
@Timeout(60)
class ReadSpinTest {
    private final List<ConnectionManager<?>> managers = new ArrayList<>();

    @AfterEach
    void closeManagers() {
        managers.forEach(ConnectionManager::close);
    }

    @Test
    void aSpinOutsideZeroToTenMillisecondsIsRefusedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionManager
                .builder(MessageCodec.utf8()).readSpin(Duration.ofMillis(11)).build());
        assertEquals("ConnectionManager: readSpin: PT0.011S (expected: zero (off) to PT0.01S)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConnectionManager.builder(MessageCodec.utf8())
                .readSpin(Duration.ofNanos(-1)).build());
        assertEquals("ConnectionManager: readSpin: PT-0.000000001S (expected: zero (off) to PT0.01S)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConnectionManager.builder(MessageCodec.utf8())
                .readSpin(null).build());
        assertEquals("ConnectionManager: readSpin: null (expected: not null)", e.getMessage());
        ConnectionManager.builder(MessageCodec.utf8()).readSpin(Duration.ofMillis(10)).build().close();
    }

    @Test
    void spinningConnectionsOnBothSidesEchoEveryMessageInOrder() throws Exception {
        Duration spin = Duration.ofMillis(1);
        ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8()).readSpin(spin)
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        connection.send(message);
                    }
                }).build();
        managers.add(server);
        InetSocketAddress address = server.bind(Loopback.anyPort());
        RecordingListener<String> recorder = new RecordingListener<>();
        ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8()).readSpin(spin)
                .listener(recorder).build();
        managers.add(client);
        Connection<String> connection = client.connect(address);
        recorder.next(RecordingListener.Open.class);
        for (int i = 0; i < 200; i++) { // round trips: each read spins and, mostly, finds the answer in its spin
            connection.send("message " + i);
            assertEquals("message " + i, recorder.next(RecordingListener.Message.class).message());
        }
        recorder.assertNoMore();
    }
}
