package dev.vigil;

import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.Loopback;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS with a self-signed certificate made by the JDK's keytool for this test run. */
@Timeout(60)
class TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static SSLContext serverContext;
    private static SSLContext clientContext;
    private static SSLContext strangerContext;

    @BeforeAll
    static void makeCertificates(@TempDir Path dir) throws Exception {
        Path server = keystore(dir, "server", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost");
        Path stranger = keystore(dir, "stranger", "CN=stranger", "SAN=dns:stranger.example");
        serverContext = context(server, server);
        clientContext = context(null, server);
        strangerContext = context(stranger, stranger);
    }

    private static Path keystore(Path dir, String alias, String dname, String san) throws Exception {
        Path file = dir.resolve(alias + ".p12");
        String keytool = System.getProperty("java.home") + File.separator + "bin" + File.separator + "keytool";
        Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", dname, "-ext", san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + output);
        return file;
    }

    private static SSLContext context(Path keys, Path trusted) throws Exception {
        KeyManagerFactory kmf = null;
        if (keys != null) {
            KeyStore ks = load(keys);
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trusted));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    @Test
    void messagesAndHeartbeatsTravelOverTls() throws Exception {
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .tls(serverContext)
                .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofSeconds(2)))
                .listener(new ConnectionListener<>() {
                    @Override
                    public void onMessage(Connection<String> connection, String message) {
                        connection.send("secure " + message);
                    }
                }).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            RecordingListener<String> events = new RecordingListener<>();
            try (ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                    .tls(clientContext)
                    .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(50), Duration.ofSeconds(2)))
                    .listener(events).build()) {
                Connection<String> c = client.connect(address);
                events.next(RecordingListener.Open.class);
                c.send("hello");
                assertEquals("secure hello", events.next(RecordingListener.Message.class).message());
                Await.until(Duration.ofSeconds(10), () -> c.rtt().samples() >= 3, "PINGs answered over TLS");
                c.close();
                assertEquals(CloseReason.Kind.CLOSED_LOCALLY,
                        events.next(RecordingListener.Close.class).reason().kind());
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheServersCertificateCannotConnect() throws Exception {
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .tls(strangerContext).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                     .tls(clientContext).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> client.connect(address));
            assertTrue(e.reason().kind() == CloseReason.Kind.IO_ERROR
                    || e.reason().kind() == CloseReason.Kind.PROTOCOL_ERROR, e.reason().toString());
            assertTrue(server.connections().isEmpty());
        }
    }

    @Test
    void aPlainClientIsRefusedByATlsServer() throws Exception {
        try (ConnectionManager<String> server = ConnectionManager.builder(MessageCodec.utf8())
                .tls(serverContext).handshakeTimeout(Duration.ofSeconds(2)).build();
             ConnectionManager<String> client = ConnectionManager.builder(MessageCodec.utf8())
                     .connectTimeout(Duration.ofSeconds(5)).build()) {
            InetSocketAddress address = server.bind(Loopback.anyPort());
            assertThrows(java.io.IOException.class, () -> client.connect(address));
            assertTrue(server.connections().isEmpty());
        }
    }
}
