package dev.vigil.examples.chat;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code GET /health} for a load balancer: 200 {@code ok} while the node should get new connections, 503 with the
 * reason otherwise (Redis unreachable, draining). On a port of its own, so that health checks never show up as chat
 * connections (a TCP check on the chat port would join and leave presence every few seconds).
 */
final class HealthEndpoint implements AutoCloseable {
    private final HttpServer server;

    /**
     * Starts the endpoint.
     *
     * @param address where to listen
     * @param problem {@code null} when healthy, else why not
     */
    HealthEndpoint(InetSocketAddress address, Supplier<String> problem) throws IOException {
        server = HttpServer.create(address, 16);
        server.createContext("/health", exchange -> {
            String why = problem.get();
            byte[] body = (why == null ? "ok\n" : why + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(why == null ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(null);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
